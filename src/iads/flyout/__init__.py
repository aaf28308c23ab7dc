"""Flyout stage: missiles fly out under proportional navigation."""
