"""Ctrl-C and SIGTERM: one line, exit 128 + signal, nothing written, nothing left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import typer

from iads import interrupt
from iads.cli import DEMO_SCENARIO

IADS = Path(sys.executable).with_name("iads")

# A writer that is interrupted in the middle of writing its files: it writes one file, signals
# its own process, then keeps writing (as a slow report would) until the handler ends it.
WRITER = textwrap.dedent(
    """
    import os, signal, sys, time
    from pathlib import Path
    from iads import interrupt
    from iads.results.output import write_directory

    out, signum = Path(sys.argv[1]), int(sys.argv[2])

    def write(tmp):
        (tmp / "summary.json").write_text("{}")
        os.kill(os.getpid(), signum)
        for i in range(1000):
            (tmp / f"part{i}.txt").write_text("x" * 1000)
            time.sleep(0.01)

    interrupt.install()
    interrupt.run_interruptibly(lambda: write_directory(out, write, lambda name: True))
    print("finished")  # never reached
    """
)


def everything_under(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_while_results_are_written_leaves_nothing_behind(tmp_path, signum) -> None:
    out = tmp_path / "new" / "deeper" / "results"  # parents made for the output go too
    proc = subprocess.run(
        [sys.executable, "-c", WRITER, str(out), str(int(signum))],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 128 + signum
    assert proc.stderr.strip().count("\n") == 0, proc.stderr
    assert proc.stderr.startswith("iads: interrupted (") and "nothing was written" in proc.stderr
    assert "finished" not in proc.stdout
    assert everything_under(tmp_path) == []


def test_an_earlier_run_survives_an_interrupted_rewrite(tmp_path) -> None:
    out = tmp_path / "results"
    out.mkdir()
    (out / "summary.json").write_text('{"earlier": true}')
    proc = subprocess.run(
        [sys.executable, "-c", WRITER, str(out), str(int(signal.SIGTERM))],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 128 + signal.SIGTERM
    assert everything_under(tmp_path) == ["results", "results/summary.json"]
    assert (out / "summary.json").read_text() == '{"earlier": true}'


def test_a_worker_returns_its_value_and_hands_its_exception_to_the_caller() -> None:
    assert interrupt.run_interruptibly(lambda: 42) == 42

    def fail() -> None:
        raise typer.Exit(2)

    with pytest.raises(typer.Exit):
        interrupt.run_interruptibly(fail)


@pytest.mark.slow
@pytest.mark.parametrize("after_s", [0.3, 3.0, 8.0])
def test_ctrl_c_during_iads_run_exits_130_with_one_line_and_no_output(tmp_path, after_s) -> None:
    """At 0.3 s Python is still importing, at 3 s compiling, at 8 s simulating (a 5,000-
    replication run of the demo takes minutes on two cores): every phase ends the same way."""
    proc = subprocess.Popen(
        [str(IADS), "run", str(DEMO_SCENARIO), "--out", "res", "--replications", "5000"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(after_s)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr  # not -11 (segmentation fault), not 1 or 0
    assert stderr.strip() == "iads: interrupted (Ctrl-C); nothing was written"
    assert "Traceback" not in stdout + stderr
    assert os.listdir(tmp_path) == []


def test_removing_made_parents_goes_on_past_one_already_removed(tmp_path) -> None:
    # the worker thread and the signal handler both clean up: when the worker has removed the
    # deepest parent first, the handler must still remove the ones above it (a race once left
    # tmp/new behind in CI)
    new = tmp_path / "new"
    deeper = new / "deeper"
    interrupt.remove_empty([deeper, new])  # deeper never existed here: already gone
    new.mkdir()
    interrupt.remove_empty([deeper, new])
    assert everything_under(tmp_path) == []
    # a parent that is not empty stops the removal (it holds something else)
    deeper.mkdir(parents=True)
    (new / "other.txt").write_text("x")
    interrupt.remove_empty([deeper, new])
    assert everything_under(tmp_path) == ["new", "new/other.txt"]
