"""``iads serve``: check the run, the address and the map assets, then run uvicorn."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI

from iads.report.html import INSTALL_HINT, find_map_assets
from iads.viewer.app import LOCAL_HOSTS, create_app
from iads.viewer.run import load_run


class ServeError(ValueError):
    """An argument of ``iads serve`` that cannot be used (one line)."""


@dataclass(frozen=True)
class Server:
    """A checked app and where it will listen."""

    app: FastAPI
    host: str
    port: int
    warning: str | None

    @property
    def url(self) -> str:
        """The page's address."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"


def is_local(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _check_port_free(host: str, port: int) -> None:
    """ServeError unless ``host:port`` can be bound now (another server may hold it)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host.strip("[]"), port))
        except OSError as exc:
            raise ServeError(
                f"--port: cannot listen on {host}:{port} ({exc.strerror or exc}); choose "
                "another port with --port"
            ) from None


def prepare(run_dir: str | Path, host: str, port: int, allow_remote: bool) -> Server:
    """The app for ``run_dir`` on ``host:port``.

    Raises
    ------
    InputError
        The run directory cannot be replayed (one-line reason).
    ServeError
        A port out of range or in use, a non-local host without ``allow_remote``, or the
        offline map assets missing.
    """
    if not 1 <= port <= 65535:
        raise ServeError(f"--port: must be between 1 and 65535, got {port}")
    local = is_local(host)
    if not local and not allow_remote:
        raise ServeError(
            f"--host: {host} is not a local address: other machines could read the run; add "
            "--allow-remote to bind it anyway"
        )
    run = load_run(run_dir, derive=True)
    _check_port_free(host, port)
    if find_map_assets() is None:
        raise ServeError(
            f"the offline map assets (Leaflet, Natural Earth) are not installed: run "
            f"{INSTALL_HINT} in the repository root"
        )
    warnings = []
    if "derived" in run.scene:
        warnings.append(f"{run_dir}: replay {run.scene['derived']}")
    if not local:
        warnings.append(
            f"serving on {host}, reachable from other machines: anyone who can connect can read "
            "this run (there is no authentication)"
        )
    warning = "; ".join(warnings) or None
    hosts = (*LOCAL_HOSTS, host) if local else ("*",)
    return Server(app=create_app(run, allowed_hosts=hosts), host=host, port=port, warning=warning)


def serve_forever(server: Server) -> None:
    """Run uvicorn until Ctrl-C or SIGTERM (uvicorn's own handlers stop it cleanly)."""
    import uvicorn

    uvicorn.run(
        server.app,
        host=server.host.strip("[]"),
        port=server.port,
        log_level="warning",
        access_log=False,
        server_header=False,
    )
