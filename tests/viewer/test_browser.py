"""The replay page in Debian's Chromium, driven by Playwright: it loads without console errors,
asks nothing of any host but the local server, plays, seeks, and paints.

Playwright cannot download a browser here; the tests launch ``/usr/bin/chromium`` (Debian's
``chromium`` package, which ``.ci/run`` installs) and skip when it is absent.
"""

from __future__ import annotations

import io
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pytest

from iads.viewer.app import create_app
from iads.viewer.headless import CHROMIUM, CHROMIUM_ARGS
from iads.viewer.run import load_run
from tests.viewer.rundir import LEAK_S

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's chromium is not installed (/usr/bin/chromium; apt-get install chromium)",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(run_dir: Path) -> Iterator[str]:
    """The app on a real uvicorn server, on 127.0.0.1 and a free port."""
    import uvicorn

    port = _free_port()
    config = uvicorn.Config(
        create_app(load_run(run_dir)), host="127.0.0.1", port=port, log_level="warning"
    )
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser(server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The page, loaded once, with every request and console error it made recorded."""
    sync_api = pytest.importorskip("playwright.sync_api")
    record: dict[str, Any] = {"requests": [], "foreign": [], "errors": []}
    host = urlsplit(server).netloc
    with sync_api.sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            headless=True,
            args=list(CHROMIUM_ARGS),
            viewport={"width": 1200, "height": 800},
        )

        def route(r: Any) -> None:
            url = r.request.url
            record["requests"].append(url)
            parts = urlsplit(url)
            if parts.scheme == "data" or (parts.scheme == "http" and parts.netloc == host):
                r.continue_()
            else:
                record["foreign"].append(url)
                r.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and record["errors"].append(m.text))
        page.on("pageerror", lambda e: record["errors"].append(str(e)))
        page.goto(server + "/")
        page.wait_for_selector("body[data-ready='1']", timeout=20_000)
        record["page"] = page
        yield record
        context.close()


def wait_until(page: Any, expression: str, timeout_s: float = 10.0) -> None:
    """Poll ``expression`` in the page until true (the page's CSP forbids the string
    evaluation behind Playwright's ``wait_for_function``)."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        page.wait_for_timeout(50)


def test_page_loads_without_console_errors(browser):
    page = browser["page"]
    assert browser["errors"] == []
    assert page.locator("#replication option").count() == 3
    assert page.locator("path.site-marker").count() == 2
    assert page.locator("#summary-table tbody tr").count() >= 1


def test_every_request_goes_to_the_local_server(browser):
    assert browser["foreign"] == []
    paths = {urlsplit(u).path for u in browser["requests"]}
    assert {"/", "/api/scene", "/api/summary", "/api/countries", "/api/replications/0"} <= paths
    assert all(urlsplit(u).hostname == "127.0.0.1" for u in browser["requests"])


def test_pressing_play_moves_threats(browser):
    page = browser["page"]
    page.evaluate("window.iadsViewer.seek(2)")
    before = page.evaluate("window.iadsViewer.threatPositions()")
    assert before, "no threat in flight at t = 2 s"
    page.click("#play")
    wait_until(page, "window.iadsViewer.time() > 4")
    page.click("#play")  # pause
    after = {p["id"]: p for p in page.evaluate("window.iadsViewer.threatPositions()")}
    moved = [p for p in before if p["id"] in after and after[p["id"]]["lat"] != p["lat"]]
    assert moved, (before, after)
    assert not page.evaluate("window.iadsViewer.playing()")


def test_seeking_to_an_intercept_shows_its_marker(browser):
    page = browser["page"]
    button = page.locator("button.seek.intercept").first
    t = float(button.get_attribute("data-t") or "nan")
    page.evaluate(f"window.iadsViewer.seek({t - 0.5})")
    shown_before = page.evaluate("window.iadsViewer.shown('intercept')")
    button.click()
    assert page.evaluate("window.iadsViewer.time()") == pytest.approx(t)
    assert page.evaluate("window.iadsViewer.shown('intercept')") == shown_before + 1
    assert page.locator("path.intercept-marker").count() == shown_before + 1


def test_picking_a_replication_loads_it_and_shows_its_leak(browser):
    page = browser["page"]
    page.select_option("#replication", "1")
    wait_until(page, "window.iadsViewer.replication() === 1")
    assert "/api/replications/1" in {urlsplit(u).path for u in browser["requests"]}
    page.evaluate(f"window.iadsViewer.seek({LEAK_S - 1})")
    assert page.evaluate("window.iadsViewer.shown('leak')") == 0
    page.locator("button.seek.leak").click()
    assert page.evaluate("window.iadsViewer.shown('leak')") == 1
    assert page.locator("path.leak-marker").count() == 1
    assert browser["errors"] == []


def test_a_screenshot_is_not_blank(browser):
    from matplotlib import image

    png = browser["page"].locator("#map").screenshot()
    pixels = image.imread(io.BytesIO(png), format="png")[..., :3]
    colours = np.unique((pixels * 255).astype(np.uint8).reshape(-1, 3), axis=0)
    assert len(colours) > 50  # basemap, rings, routes, markers: many colours
    assert pixels.std() > 0.02
