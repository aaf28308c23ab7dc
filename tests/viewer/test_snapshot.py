"""The report's replay section: the command that starts the replay and a still of it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from iads.report import write_report
from iads.viewer.run import run_data
from iads.viewer.snapshot import replay_view, snapshot_time_s
from tests.report.synthetic import synthetic_report_data
from tests.viewer.rundir import FLIGHT_S, KILLS, events, scene, summary


def test_the_still_shows_the_first_moment_with_most_missiles_in_flight():
    run = run_data(Path("run"), summary(), scene(), events())
    # replication 0: one missile at a time, each flying FLIGHT_S to its kill; the first is
    # two thirds into the first flight
    first = KILLS[(0, 0)] - FLIGHT_S
    assert snapshot_time_s(run.replication(0)) == pytest.approx(first + FLIGHT_S * 2 / 3)
    rep = run.replication(0)
    late = {**rep, "missiles": [*rep["missiles"], {**rep["missiles"][2], "launch_s": 85.0}]}
    assert snapshot_time_s(late) == pytest.approx(80.0 + FLIGHT_S * 2 / 3)  # two in flight
    none = {**rep, "missiles": [], "leaks": [], "duration_s": 300.0}
    assert snapshot_time_s(none) == 150.0


def test_the_report_links_to_the_replay_and_shows_its_still(tmp_path):
    view = replay_view(tmp_path / "results", summary(), scene(), events())
    assert view.command == f"iads serve {tmp_path / 'results'}"
    assert view.snapshot_svg.startswith("<svg")
    assert "Replication 0 at t = 53 s: 3 threats flying, 1 missile in flight" in view.snapshot_svg
    data = dataclasses.replace(synthetic_report_data(), replay=view)
    write_report(tmp_path / "report.html", data)
    html = (tmp_path / "report.html").read_text()
    assert '<section id="replay">' in html and '<a href="#replay">Replay</a>' in html
    assert f"<code>iads serve {tmp_path / 'results'}</code>" in html
    assert "when most of its missiles are in flight" in html
    spaced = replay_view(tmp_path / "my results", summary(), scene(), events())
    assert spaced.command == f"iads serve '{tmp_path / 'my results'}'"
    write_report(tmp_path / "plain.html", synthetic_report_data())
    assert 'id="replay"' not in (tmp_path / "plain.html").read_text()
