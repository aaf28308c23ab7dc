"""iads.results."""
