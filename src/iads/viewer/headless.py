"""Debian's Chromium, headless and offline, as the browser tests and the viewer benchmark drive
it with Playwright (which cannot download a browser of its own here)."""

from __future__ import annotations

from pathlib import Path

#: Debian's ``chromium`` package.
CHROMIUM = Path("/usr/bin/chromium")
#: No GPU, no sandbox (containers), and none of the browser's own network traffic.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
