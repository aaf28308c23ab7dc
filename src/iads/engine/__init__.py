"""iads.engine."""
