"""The replay viewer: ``iads serve`` (a local web app) and the run's scene (scene.json)."""
