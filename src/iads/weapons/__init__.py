"""iads.weapons."""
