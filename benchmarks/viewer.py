"""Time the replay viewer on a large run: opening it, its endpoints, first paint and seeking.

    python benchmarks/viewer.py                          # runs the demo with 1,000 replications
    python benchmarks/viewer.py --run-dir iads-demo-1000 # or times an existing run directory

Prints: the run's size; the server's time to open the run (read and check it, build the app);
the latency of each JSON endpoint (median and 95th percentile over repeated requests, on a real
uvicorn server on 127.0.0.1); and, in Debian's Chromium driven by Playwright, the page's time to
first contentful paint and to the first replay drawn (navigation start to the first frame with
the replication's threats), the time to switch replication (fetch + redraw) and to seek (redraw
at a new time). Results go in docs/performance.md with the command, machine and date.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx2 as httpx
import uvicorn

from iads.viewer.app import create_app
from iads.viewer.headless import CHROMIUM, CHROMIUM_ARGS
from iads.viewer.run import load_run

DEMO = Path(__file__).resolve().parents[1] / "src" / "iads" / "examples" / "ankara.yaml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ms(values: list[float]) -> str:
    """Median and 95th percentile of seconds, as milliseconds."""
    v = sorted(values)
    p95 = v[min(len(v) - 1, round(0.95 * (len(v) - 1)))]
    return f"median {1e3 * statistics.median(v):7.1f} ms, p95 {1e3 * p95:7.1f} ms (n={len(v)})"


def make_run(replications: int, out: Path) -> None:
    iads = Path(sys.executable).with_name("iads")
    cmd = [str(iads), "run", str(DEMO), "--replications", str(replications), "--out", str(out)]
    print("+", " ".join(cmd), flush=True)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    print(f"run written in {time.perf_counter() - t0:.0f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--run-dir", type=Path, default=None, help="an existing run directory")
    ap.add_argument("--replications", type=int, default=1000, help="for a new run of the demo")
    ap.add_argument("--requests", type=int, default=50, help="requests per endpoint")
    args = ap.parse_args()
    tmp = None
    run_dir = args.run_dir
    if run_dir is None:
        tmp = Path(tempfile.mkdtemp(prefix="iads-viewer-bench-"))
        run_dir = tmp / "run"
        make_run(args.replications, run_dir)
    try:
        bench(run_dir, args.requests)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def bench(run_dir: Path, requests: int) -> None:
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}")  # fmt: skip
    sizes = {p.name: p.stat().st_size for p in run_dir.iterdir()}
    print("run: " + ", ".join(f"{k} {v / 1e6:.2f} MB" for k, v in sorted(sizes.items())))
    t0 = time.perf_counter()
    run = load_run(run_dir)
    t_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    app = create_app(run)
    t_app = time.perf_counter() - t0
    print(f"replications {run.replications}, events {run.events.num_rows:,}")
    print(f"open (read and check the run) {t_load:.3f} s, build the app {t_app:.3f} s")

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base) as client:
            reps = [(k * 7919) % run.replications for k in range(requests)]
            for name, paths in (
                ("/", ["/"] * requests),
                ("/api/summary", ["/api/summary"] * requests),
                ("/api/scene", ["/api/scene"] * requests),
                ("/api/sites", ["/api/sites"] * requests),
                ("/api/countries", ["/api/countries"] * requests),
                ("/api/replications/{i}", [f"/api/replications/{i}" for i in reps]),
            ):
                times = []
                for path in paths:
                    t0 = time.perf_counter()
                    r = client.get(path)
                    times.append(time.perf_counter() - t0)
                    r.raise_for_status()
                print(f"GET {name:24s} {ms(times)}, {len(r.content) / 1e3:,.0f} kB")
        browser(base, run.replications)
    finally:
        server.should_exit = True
        thread.join(10)


def browser(base: str, replications: int) -> None:
    if not CHROMIUM.exists():
        print(f"no {CHROMIUM}: browser timings skipped")
        return
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as profile, sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_ARGS),
            viewport={"width": 1300, "height": 850},
        )  # fmt: skip
        page = context.new_page()
        opens, paints = [], []
        for _ in range(5):
            page.goto(base + "/", wait_until="commit")
            page.wait_for_selector("body[data-ready='1']", state="attached", timeout=60_000)
            ready = page.evaluate("performance.now()")
            fcp = page.evaluate(
                "(performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime"
            )
            opens.append(ready / 1e3)
            if fcp:
                paints.append(fcp / 1e3)
        print(f"page: first contentful paint {ms(paints)}")
        print(f"page: first replay drawn     {ms(opens)} (navigation start to first frame)")
        switch = page.evaluate(
            """async (n) => {
                const out = [];
                for (let k = 1; k <= 20; k++) {
                    const t0 = performance.now();
                    await window.iadsViewer.load((k * 7919) % n);
                    out.push(performance.now() - t0);
                }
                return out;
            }""",
            replications,
        )
        print(f"page: switch replication     {ms([x / 1e3 for x in switch])}")
        seek = page.evaluate(
            """() => {
                const out = [];
                for (let k = 0; k < 200; k++) {
                    const t0 = performance.now();
                    window.iadsViewer.seek(k * 7.5);
                    out.push(performance.now() - t0);
                }
                return out;
            }"""
        )
        print(f"page: seek (redraw)          {ms([x / 1e3 for x in seek])}")
        context.close()


if __name__ == "__main__":
    main()
