"""What a new user meets first: start-up, --version, validate's message, warnings, the table."""

from __future__ import annotations

import subprocess
import sys

from typer.testing import CliRunner

import iads
from iads.cli import app, print_summary
from tests.engine.scenarios import base, north_of, write

runner = CliRunner()


def test_help_version_and_the_cli_module_load_without_jax() -> None:
    code = (
        "import sys; from iads.cli import app; import iads.errors, iads.interrupt; "
        "print('jax' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_version_prints_the_package_version() -> None:
    res = runner.invoke(app, ["--version"])
    assert res.exit_code == 0
    assert res.output.strip() == f"iads {iads.__version__}"


def test_validate_counts_in_words_with_singular_and_plural(tmp_path) -> None:
    d = base()
    d["raid"][0]["count"] = 1
    res = runner.invoke(app, ["validate", str(write(tmp_path, d))])
    assert res.exit_code == 0, res.output
    assert "(1 battery, 1 threat in 1 raid group)" in res.output


def test_a_route_that_starts_on_its_target_is_warned_about(tmp_path) -> None:
    d = base()
    d["raid"][0]["route"] = [north_of(0.05, 1000.0)]  # 50 m from the asset
    res = runner.invoke(app, ["validate", str(write(tmp_path, d))])
    assert res.exit_code == 0, res.output
    assert "iads: warning:" in res.output
    assert "raid[0].route" in res.output and "leaks at once" in res.output
    far = base()
    res = runner.invoke(app, ["validate", str(write(tmp_path, far, "far.yaml"))])
    assert "warning" not in res.output


def _summary(unresolved_mean: float) -> dict:
    est = {"mean": 1.0, "ci95": [1.0, 1.0]}
    return {
        "scenario": "s",
        "replications": 20,
        "seed": 1,
        "threats": [
            {
                "type": "srbm",
                "count": 4,
                "detected": {"mean": 4.0, "ci95": [4.0, 4.0]},
                "engaged": est,
                "destroyed": {"mean": 3.8, "ci95": [3.6, 4.0]},
                "leaked": {"mean": 0.0, "ci95": [0.0, 0.0]},
                "unresolved": {"mean": unresolved_mean, "ci95": [0.0, 0.4]},
                "first_detection_range_m": {"mean": 2e5, "ci95": [1.9e5, 2.1e5]},
            }
        ],
        "missiles_fired": {"48N6E3": est},
        "assets": [{"name": "City", "leakers": {"mean": 0.0, "ci95": [0.0, 0.0]}}],
    }


def test_the_table_shows_unresolved_threats_when_there_are_any(capsys) -> None:
    print_summary(_summary(0.2))
    out = capsys.readouterr().out
    assert "unresolved" in out and "0.2 [0.0, 0.4]" in out
    print_summary(_summary(0.0))
    assert "unresolved" not in capsys.readouterr().out
