"""Assessment stage: decide which detonations kill."""
