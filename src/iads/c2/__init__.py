"""iads.c2."""
