"""Every bundled example runs end to end (the demo's own ``ankara.yaml`` runs in test_cli):
each threat ends destroyed, leaked or still flying, and only the example's own system fires."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import jax
import pytest
import yaml

from iads.catalog import load_catalog
from iads.cli import DEMO_SCENARIO
from tests.test_cli import invoke

EXAMPLES = sorted(p.name for p in DEMO_SCENARIO.parent.glob("*.yaml") if p != DEMO_SCENARIO)


@pytest.fixture(autouse=True)
def _release_compiled_engines() -> Iterator[None]:
    """Each example compiles an engine of its own that no other test reuses: drop JAX's
    compiled executables after it, so the suite's process does not keep them all."""
    yield
    jax.clear_caches()


def test_there_is_an_example_for_each_system_of_the_catalog() -> None:
    systems = {
        yaml.safe_load((DEMO_SCENARIO.parent / name).read_text())["batteries"][0]["system"]
        for name in [*EXAMPLES, DEMO_SCENARIO.name]
    }
    assert set(load_catalog().systems) <= systems


@pytest.mark.slow
@pytest.mark.parametrize("name", EXAMPLES)
def test_the_example_runs_and_only_its_systems_fire(tmp_path: Path, name: str) -> None:
    path = DEMO_SCENARIO.parent / name
    scenario = yaml.safe_load(path.read_text())
    out = tmp_path / "out"
    res = invoke("run", str(path), "--out", str(out), "--replications", "2")
    assert res.exit_code == 0, res.output
    summary = json.loads((out / "summary.json").read_text())
    counts: dict[str, int] = {}
    for group in scenario["raid"]:
        counts[group["threat"]] = counts.get(group["threat"], 0) + group["count"]
    assert {t["type"]: t["count"] for t in summary["threats"]} == counts
    for t in summary["threats"]:
        ends = sum(t[k]["mean"] for k in ("destroyed", "leaked", "unresolved"))
        assert ends == pytest.approx(t["count"])
    catalog = load_catalog()
    own = {m for b in scenario["batteries"] for m in catalog.systems[b["system"]].missiles}
    fired = {k for k, v in summary["missiles_fired"].items() if v["mean"] > 0}
    assert fired <= own
