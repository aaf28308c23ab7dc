"""Command-post stage: evaluate threats and assign them to fire units."""
