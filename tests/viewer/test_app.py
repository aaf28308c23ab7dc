"""The replay app: its JSON endpoints, read-only, serving only the run directory's files."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
from pathlib import Path
from urllib.parse import unquote

import pyarrow.parquet as pq
import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from iads.cli import app as cli
from iads.viewer.app import create_app
from iads.viewer.run import load_run
from iads.viewer.serve import ServeError, is_local, prepare
from tests.viewer.rundir import (
    BATTERY,
    FLIGHT_S,
    KILLS,
    LAUNCH_S,
    LEAK,
    LEAK_S,
    REPLICATIONS,
    threat_lat,
)

runner = CliRunner()


@pytest.fixture(scope="module")
def run_copy(run_dir, tmp_path_factory):  # type: ignore[no-untyped-def]
    """A copy of the run with a symlink out of it and a secret file beside it."""
    root = tmp_path_factory.mktemp("served")
    (root / "secret.txt").write_text("not part of the run")
    copy = root / "run"
    shutil.copytree(run_dir, copy)
    (copy / "escape").symlink_to(root / "secret.txt")
    (copy / "escape_dir").symlink_to(root, target_is_directory=True)
    (copy / "inside").symlink_to(copy / "summary.json")
    return copy


@pytest.fixture(scope="module")
def app(run_copy):  # type: ignore[no-untyped-def]
    return create_app(load_run(run_copy))


@pytest.fixture(scope="module")
def client(app):  # type: ignore[no-untyped-def]
    return TestClient(app, base_url="http://127.0.0.1")


def raw_get(app, raw_path: str) -> int:  # type: ignore[no-untyped-def]
    """Status of a GET sent to the ASGI app as a server receives it: the raw path as written
    (no dot-segment removal, which HTTP clients do), ``path`` percent-decoded once, as uvicorn
    does."""
    path, _, query = raw_path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": unquote(path),
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1:8000")],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
    }
    sent: list[dict] = []

    async def call() -> None:
        done = asyncio.Event()
        requested = False

        async def receive() -> dict:
            nonlocal requested
            if not requested:
                requested = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await done.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict) -> None:
            sent.append(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                done.set()

        await app(scope, receive, send)

    asyncio.run(call())
    return next(m["status"] for m in sent if m["type"] == "http.response.start")


def test_summary_scene_and_sites_endpoints_serve_the_run(client, run_copy):
    summary = client.get("/api/summary").json()
    assert summary == json.loads((run_copy / "summary.json").read_text())
    scene = client.get("/api/scene").json()
    assert scene["replications"] == REPLICATIONS and len(scene["threats"]) == 3
    assert {s["name"] for s in client.get("/api/sites").json()} == {"bn", "asset"}
    bn = next(s for s in scene["sites"] if s["name"] == "bn")
    assert {r["kind"] for r in bn["rings"]} == {"missile", "radar"}
    assert set(scene["colors"]) >= {"category", "missile", "site", "intercept", "leak"}


def test_threat_tracks_start_at_the_routes_launch_point_and_reach_the_asset(client):
    scene = client.get("/api/scene").json()
    (route,) = scene["routes"]
    for t in scene["threats"]:
        assert len(t["lat_deg"]) == len(scene["track_times_s"])
        assert t["lat_deg"][0] == pytest.approx(route["points"][0][0], abs=1e-4)
        assert t["lat_deg"][-1] == pytest.approx(route["points"][-1][0], abs=1e-3)
    assert [t["launch_s"] for t in scene["threats"]] == list(LAUNCH_S)


def test_one_replication_per_request_matches_its_events(client, run_copy):
    rows = pq.read_table(run_copy / "events.parquet").to_pylist()
    for i in range(REPLICATIONS):
        rep = client.get(f"/api/replications/{i}").json()
        mine = [r for r in rows if r["replication"] == i]
        launches = [r for r in mine if r["kind"] == "launch"]
        assert rep["replication"] == i
        assert len(rep["missiles"]) == len(launches)
        assert len(rep["intercepts"]) == sum(r["kind"] == "intercept" for r in mine)
        for m in rep["missiles"]:
            assert m["end_s"] - m["launch_s"] == pytest.approx(FLIGHT_S)
            assert m["from"] == [*BATTERY, 10.0]
        for t in rep["threats"]:
            if (i, t["id"]) == LEAK:
                assert (t["fate"], t["end_s"]) == ("leaked", LEAK_S)
                assert [m["outcome"] for m in rep["missiles"] if m["threat"] == t["id"]] == ["miss"]
            else:
                assert (t["fate"], t["end_s"]) == ("destroyed", KILLS[(i, t["id"])])
    assert client.get("/api/replications/1").json()["leaks"][0]["time_s"] == LEAK_S


@pytest.mark.parametrize("index", ["3", "-1", "abc", "1.0", "99999999999999999999", "%2e%2e"])
def test_a_replication_outside_the_run_is_404(client, index):
    assert client.get(f"/api/replications/{index}").status_code == 404


def test_files_of_the_run_are_served(app, client, run_copy):
    assert raw_get(app, "/files/summary.json") == 200  # the raw requests below reach the app
    assert client.get("/files/summary.json").json() == json.loads(
        (run_copy / "summary.json").read_text()
    )
    assert client.get("/files/report.html").status_code == 200
    assert client.get("/files/inside").status_code == 200  # a symlink within the run


TRAVERSALS = [
    "/files/../secret.txt",
    "/files/../../etc/passwd",
    "/files/./../secret.txt",
    "/files/..%2fsecret.txt",
    "/files/%2e%2e/secret.txt",
    "/files/%2e%2e%2fsecret.txt",
    "/files/%2E%2E%2Fsecret.txt",
    "/files/%252e%252e%252fsecret.txt",
    "/files/%252e%252e/secret.txt",
    "/files/..%252fsecret.txt",
    "/files/%25252e%25252e%25252fsecret.txt",
    "/files//etc/passwd",
    "/files/%2fetc%2fpasswd",
    "/files/%252fetc%252fpasswd",
    "/files/..\\secret.txt",
    "/files/..%5csecret.txt",
    "/files/%c0%ae%c0%ae/secret.txt",
    "/files/escape",
    "/files/escape_dir/secret.txt",
    "/files/escape_dir",
    "/files/.",
    "/files/",
    "/files/summary.json%00.txt",
    "/files/summary.json/",
    "/files/sub/../summary.json",
    "/static/../files/summary.json",
    "/static/..%2f..%2fsummary.json",
    "/static/images/..%2f..%2fsecret.txt",
    "/api/../../secret.txt",
    "/../secret.txt",
    "/secret.txt",
    "/summary.json",
    "/docs",
    "/openapi.json",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_every_path_out_of_the_run_is_404(app, path):
    assert raw_get(app, path) == 404


def test_no_endpoint_writes(client, run_copy):
    before = {p.name: p.stat().st_mtime_ns for p in run_copy.iterdir()}
    for path in ("/", "/api/summary", "/api/scene", "/api/replications/0", "/files/summary.json"):
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            assert client.request(method, path, content=b"{}").status_code == 405
    assert {p.name: p.stat().st_mtime_ns for p in run_copy.iterdir()} == before


def test_a_foreign_host_header_is_refused(client):
    assert client.get("/api/summary", headers={"host": "attacker.example"}).status_code == 400


def test_responses_forbid_other_origins(client):
    for path in ("/", "/api/scene", "/static/viewer.js", "/api/replications/9"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "default-src 'none'" in csp and "connect-src 'self'" in csp
        assert "script-src 'self';" in csp and headers["x-content-type-options"] == "nosniff"
    # the run's report runs its inline script but may request nothing
    csp = client.get("/files/report.html").headers["content-security-policy"]
    assert "connect-src 'none'" in csp and "default-src 'none'" in csp


def test_binding_needs_a_flag_off_the_local_machine(run_dir):
    assert is_local("127.0.0.1") and is_local("::1") and is_local("localhost")
    assert not is_local("0.0.0.0") and not is_local("192.168.1.5")
    with pytest.raises(ServeError, match="--allow-remote"):
        prepare(run_dir, "0.0.0.0", 8000, allow_remote=False)
    server = prepare(run_dir, "0.0.0.0", _free_port(), allow_remote=True)
    assert server.warning and "other machines" in server.warning
    port = _free_port()
    local = prepare(run_dir, "127.0.0.2", port, allow_remote=False)  # loopback, not 127.0.0.1
    assert local.warning is None and local.url == f"http://127.0.0.2:{port}/"
    assert TestClient(local.app, base_url="http://127.0.0.2").get("/api/sites").status_code == 200
    res = runner.invoke(cli, ["serve", str(run_dir), "--host", "0.0.0.0"])
    assert res.exit_code == 2 and res.output.count("\n") == 1 and "--allow-remote" in res.output
    res = runner.invoke(cli, ["serve", str(run_dir), "--port", "70000"])
    assert res.exit_code == 2 and "--port" in res.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_port_in_use_gets_one_line(run_dir):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        res = runner.invoke(cli, ["serve", str(run_dir), "--port", str(port)])
    assert res.exit_code == 2 and res.output.count("\n") == 1
    assert f"--port: cannot listen on 127.0.0.1:{port}" in res.output


def test_a_run_dir_lacking_what_the_viewer_needs_gets_one_line(run_dir, tmp_path):
    old = tmp_path / "old"
    shutil.copytree(run_dir, old)
    (old / "scene.json").unlink()
    for target, reason in (
        (tmp_path / "missing", "not a run directory"),
        (old / "summary.json", "not a run directory"),
    ):
        res = runner.invoke(cli, ["serve", str(target)])
        assert res.exit_code == 2, res.output
        assert res.output.count("\n") == 1 and reason in res.output
    os.remove(old / "events.parquet")
    res = runner.invoke(cli, ["serve", str(old)])
    assert res.exit_code == 2 and "no events.parquet" in res.output


def test_a_run_without_scene_replays_from_its_event_log(run_dir, tmp_path):
    old = tmp_path / "old"
    shutil.copytree(run_dir, old)
    (old / "scene.json").unlink()
    server = prepare(old, "127.0.0.1", _free_port(), allow_remote=False)
    assert server.warning and "derived from the event log" in server.warning
    client = TestClient(server.app, base_url="http://127.0.0.1")
    scene = client.get("/api/scene").json()
    assert "no range rings, routes or assets" in scene["derived"]
    assert [s["name"] for s in scene["sites"]] == ["bn"]
    assert (scene["sites"][0]["lat_deg"], scene["sites"][0]["lon_deg"]) == BATTERY
    # each threat appears at its first event (detection, 1 s after launch) and is where the
    # log put it at every event, in every replication
    assert [t["launch_s"] for t in scene["threats"]] == [x + 1.0 for x in LAUNCH_S]
    times = scene["track_times_s"]
    for (r, j), t_kill in KILLS.items():
        if (r, j) != LEAK:
            lat = scene["threats"][j]["lat_deg"][times.index(t_kill)]
            assert lat == pytest.approx(threat_lat(j, t_kill), abs=1e-5)
    rep = client.get("/api/replications/1").json()
    assert [t["fate"] for t in rep["threats"]] == ["destroyed", "destroyed", "leaked"]
    assert client.get("/").status_code == 200


def test_a_corrupt_scene_gets_one_line(run_dir, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(run_dir, bad)
    (bad / "scene.json").write_text("{not json")
    res = runner.invoke(cli, ["serve", str(bad)])
    assert (
        res.exit_code == 2 and res.output.count("\n") == 1 and "cannot read the scene" in res.output
    )
    Path(bad / "scene.json").write_text('{"schema": 99}')
    res = runner.invoke(cli, ["serve", str(bad)])
    assert res.exit_code == 2 and "schema" in res.output


def test_an_event_log_of_an_earlier_layout_or_not_parquet_gets_one_line(run_dir, tmp_path):
    old = tmp_path / "old"
    shutil.copytree(run_dir, old)
    table = pq.read_table(old / "events.parquet")
    pq.write_table(table.drop_columns(["launcher", "radar"]), old / "events.parquet")
    res = runner.invoke(cli, ["serve", str(old)])
    assert res.exit_code == 2 and res.output.count("\n") == 1
    assert "the event log has no column launcher" in res.output
    (old / "events.parquet").write_text("not parquet")
    res = runner.invoke(cli, ["serve", str(old)])
    assert res.exit_code == 2 and res.output.count("\n") == 1
    assert "cannot read the event log" in res.output
