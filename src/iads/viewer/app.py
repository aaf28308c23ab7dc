"""The replay web app: FastAPI, read-only, serving one run directory on the local machine.

Routes (GET only; nothing writes):

- ``/`` the page; ``/static/{name}`` its script and style and the offline map library
  (Leaflet, topojson-client; a fixed list of names);
- ``/api/countries`` the basemap (Natural Earth 1:50m countries, TopoJSON, from world-atlas);
- ``/api/summary`` the run's summary.json; ``/api/scene`` sites, rings, routes, threat tracks,
  the colours; ``/api/sites`` the sites alone;
- ``/api/replications/{i}`` what happened in replication ``i`` (threat fates, missiles with
  their launch and end points and times, intercepts, leaks), one replication per request;
- ``/files/{name}`` a file of the run directory (report.html, summary.json, ...).

Only regular files directly in the run directory are served, by a name listed in it; any other
path — ``..``, absolute, percent-encoded or double-encoded, a backslash, a symlink leading out
of the run — gets 404. Requests must name a local host (``Host`` header), so that a web page
elsewhere cannot read the run through DNS rebinding.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.datastructures import MutableHeaders
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from iads.jsonio import json_safe
from iads.report import figures
from iads.report.html import find_map_assets
from iads.report.names import category_color, category_name, missile_color, threat_name
from iads.viewer.page import PAGE_CSS, PAGE_HTML, PAGE_JS
from iads.viewer.run import RunData

LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")
#: The content security policy of every response: nothing from elsewhere, no inline script.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
#: The run's own pages (report.html) are self-contained, with inline script: allowed to run,
#: still with no request anywhere.
FILE_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
    "connect-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,254}$")


def _not_found() -> HTTPException:
    return HTTPException(status_code=404, detail="not found")


def run_file(run_dir: Path, name: str) -> Path:
    """The file ``name`` directly inside ``run_dir``, or HTTPException 404.

    ``name`` must be a plain file name (letters, digits, ``._-``; no separators, no ``..``, no
    ``%``), listed in the directory, a regular file, and — symlinks followed — still directly
    inside the run directory.
    """
    if not _SAFE_NAME.match(name) or ".." in name:
        raise _not_found()
    root = run_dir.resolve()
    try:
        listed = set(os.listdir(root))
    except OSError:
        raise _not_found() from None
    if name not in listed:
        raise _not_found()
    real = (root / name).resolve()
    if real.parent != root or not real.is_file():
        raise _not_found()
    return real


class SecurityHeaders:
    """ASGI middleware: every response gets the content security policy (``FILE_CSP`` for the
    run's files, ``CSP`` otherwise), ``nosniff``, no referrer and no caching."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = FILE_CSP if str(scope.get("path", "")).startswith("/files/") else CSP

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = csp
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "no-referrer"
                headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _colors(run: RunData) -> dict[str, Any]:
    scene = run.scene
    categories = {t.get("category") or "" for t in scene["threats"]}
    categories |= {r.get("category") or "" for r in scene["routes"]}
    missiles = {str(m) for m in run.events["missile_type"].unique().to_pylist() if m}
    return {
        "category": {c: category_color(c) for c in sorted(categories)},
        "missile": {m: missile_color(m) for m in sorted(missiles)},
        "site": {
            "battery": figures.BATTERY_COLOR,
            "asset": figures.ASSET_COLOR,
            "jammer": figures.JAMMER_COLOR,
        },
        "intercept": figures.EVENT_COLORS["intercept"],
        "leak": figures.EVENT_COLORS["leak"],
        "miss": figures.EVENT_COLORS["miss"],
    }


def scene_payload(run: RunData) -> dict[str, Any]:
    """``/api/scene``: the scene with readable names and the colours the page draws with."""
    scene = run.scene
    return json_safe(
        {
            **scene,
            "replications": run.replications,
            "threats": [
                {
                    **t,
                    "type_name": threat_name(t["type"]),
                    "category_name": category_name(t.get("category") or ""),
                }
                for t in scene["threats"]
            ],
            "colors": _colors(run),
        }
    )


def create_app(run: RunData, allowed_hosts: Sequence[str] = LOCAL_HOSTS) -> FastAPI:
    """The app serving ``run`` (see the module docstring).

    Parameters
    ----------
    run : RunData
        The checked run directory (``iads.viewer.run.load_run``).
    allowed_hosts : sequence of str
        Host names the ``Host`` header may carry (local ones by default).
    """
    app = FastAPI(title="iads replay", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))
    assets = find_map_assets()
    static: dict[str, tuple[Path | str, str]] = {
        "viewer.js": (PAGE_JS, "text/javascript"),
        "viewer.css": (PAGE_CSS, "text/css"),
    }
    images: dict[str, Path] = {}
    if assets is not None:
        static["leaflet.js"] = (assets.leaflet_js, "text/javascript")
        static["leaflet.css"] = (assets.leaflet_css, "text/css")
        static["topojson-client.js"] = (assets.topojson_js, "text/javascript")
        if assets.images_dir.is_dir():
            images = {p.name: p for p in assets.images_dir.iterdir() if p.suffix == ".png"}
    # serialised once: the scene (every threat's track) is the largest response
    scene = scene_payload(run)
    scene_json = _json_bytes(scene)
    summary_json = _json_bytes(run.summary)
    sites_json = _json_bytes(scene["sites"])
    page = PAGE_HTML.replace("__TITLE__", _html_text(str(run.scene.get("title", "iads run"))))

    @app.get("/", response_class=HTMLResponse)
    def index() -> HTMLResponse:
        return HTMLResponse(page)

    @app.get("/static/images/{name}")
    def image(name: str) -> FileResponse:
        if name not in images:
            raise _not_found()
        return FileResponse(images[name], media_type="image/png")

    @app.get("/static/{name}")
    def static_file(name: str) -> Response:
        if name not in static:
            raise _not_found()
        body, media = static[name]
        if isinstance(body, Path):
            return FileResponse(body, media_type=media)
        return Response(body, media_type=media)

    @app.get("/api/countries")
    def countries() -> Response:
        if assets is None:
            raise _not_found()
        return FileResponse(assets.countries_topojson, media_type="application/json")

    @app.get("/api/summary")
    def get_summary() -> Response:
        return Response(summary_json, media_type=JSON)

    @app.get("/api/scene")
    def get_scene() -> Response:
        return Response(scene_json, media_type=JSON)

    @app.get("/api/sites")
    def get_sites() -> Response:
        return Response(sites_json, media_type=JSON)

    @app.get("/api/replications/{index}")
    def get_replication(index: str) -> Response:
        if not index.isdigit() or not 0 <= int(index) < run.replications:
            raise _not_found()
        return Response(_json_bytes(run.replication(int(index))), media_type=JSON)

    @app.get("/files/{name:path}")
    def get_file(name: str) -> FileResponse:
        return FileResponse(run_file(run.path, name))

    return app


JSON = "application/json"


def _json_bytes(value: Any) -> bytes:
    """Strict, compact JSON (non-finite floats as null)."""
    return json.dumps(json_safe(value), separators=(",", ":"), allow_nan=False).encode()


def _html_text(text: str) -> str:
    from html import escape

    return escape(text)
