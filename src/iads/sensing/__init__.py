"""Sensing stage: radars look, detect threats and measure their positions."""
