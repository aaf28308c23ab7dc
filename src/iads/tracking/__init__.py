"""iads.tracking."""
