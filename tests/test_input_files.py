"""Hostile or broken input files: one line naming the file and the problem, exit 2, no traceback.

Covers what the loader refuses before building anything (huge, deeply nested, alias bombs,
cycles, empty, binary) and how schema errors name an unknown key.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from typer.testing import CliRunner

from iads import yamlio
from iads.cli import app
from iads.errors import InputError, from_validation_error
from iads.scenario.base import Battery, ScenarioFile
from iads.yamlio import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES, load_yaml
from tests.engine.scenarios import base, write

runner = CliRunner()

BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True)
)


def _deep(n: int) -> str:
    return "[" * n + "]" * n


def _cli_error(tmp_path: Path, path: Path) -> str:
    """The one stderr line that ``validate`` and ``run`` both give for ``path``."""
    out = tmp_path / "out"
    lines = []
    for cmd in (["validate", str(path)], ["run", str(path), "--out", str(out)]):
        res = runner.invoke(app, cmd)
        assert res.exit_code == 2, res.output
        assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
        err = res.stderr.strip() if res.stderr else res.output.strip()
        assert len(err.splitlines()) == 1, err
        assert "Traceback" not in res.output
        assert err.startswith(f"iads: error: {path}: "), err
        lines.append(err)
    assert not out.exists(), "no output directory is created on bad input"
    assert lines[0] == lines[1]
    return lines[0]


def _hostile(tmp_path: Path, kind: str) -> Path:
    p = tmp_path / f"{kind}.yaml"
    if kind == "deep":
        p.write_text(_deep(20_000))
    elif kind == "bomb":
        p.write_text(BILLION_LAUGHS)
    elif kind == "huge":
        with p.open("wb") as f:  # sparse: 300 MiB on paper, nothing on disk
            f.truncate(300 * 2**20)
    elif kind == "empty":
        p.write_text("")
    elif kind == "comments":
        p.write_text("# a scenario\n\n   # to be written\n")
    elif kind == "nul":
        p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    elif kind == "latin1":
        p.write_bytes("name: Çankaya\n".encode("latin-1"))
    return p


@pytest.mark.parametrize(
    ("kind", "problem"),
    [
        ("deep", f"nested more than {MAX_DEPTH} levels deep"),
        ("bomb", f"more than {MAX_NODES:,} YAML nodes once aliases are expanded"),
        ("huge", "the file is 300.0 MiB; input files may be at most 16 MiB"),
        ("empty", "the file is empty"),
        ("comments", "the file is empty (only comments)"),
        ("nul", "not a YAML text file (a NUL byte at offset 8)"),
        ("latin1", "not a YAML text file (byte 0xC7 at offset 6 is not UTF-8)"),
    ],
)
def test_hostile_or_broken_file_gives_one_line_and_exit_2_from_validate_and_run(
    tmp_path, kind, problem
):
    err = _cli_error(tmp_path, _hostile(tmp_path, kind))
    assert problem in err, err


def test_deep_nesting_is_refused_at_the_first_bracket_past_the_limit(tmp_path):
    p = _hostile(tmp_path, "deep")
    with pytest.raises(InputError) as info:
        load_yaml(p)
    assert str(info.value) == (
        f"{p}: line 1, column {MAX_DEPTH + 1}: nested more than {MAX_DEPTH} levels deep "
        "(the limit for an input file)"
    )


@pytest.mark.parametrize("fast_parser", [True, False], ids=["libyaml", "pure-python"])
@pytest.mark.parametrize("kind", ["deep", "bomb"])
def test_limits_hold_without_libyaml_too(tmp_path, monkeypatch, fast_parser, kind):
    if not fast_parser:
        monkeypatch.setattr(yamlio, "_FAST_LOADER", None)
    with pytest.raises(InputError, match=r"levels deep|aliases are expanded"):
        load_yaml(_hostile(tmp_path, kind))


@pytest.mark.parametrize("fast_parser", [True, False], ids=["libyaml", "pure-python"])
def test_nesting_at_the_limit_loads_and_one_deeper_is_refused(tmp_path, monkeypatch, fast_parser):
    if not fast_parser:
        monkeypatch.setattr(yamlio, "_FAST_LOADER", None)
    p = tmp_path / "n.yaml"
    p.write_text(_deep(MAX_DEPTH))
    data = load_yaml(p)
    for _ in range(MAX_DEPTH - 1):
        (data,) = data
    assert data == []
    p.write_text(_deep(MAX_DEPTH + 1))
    with pytest.raises(InputError, match="levels deep"):
        load_yaml(p)


@pytest.mark.parametrize("fast_parser", [True, False], ids=["libyaml", "pure-python"])
@given(leaves=st.integers(1, 6), fanout=st.integers(1, 6), levels=st.integers(1, 5))
@settings(max_examples=40, deadline=None)
def test_expanded_node_count_is_the_size_of_the_tree_aliases_stand_for(
    tmp_path_factory, fast_parser, leaves, fanout, levels
):
    # level 0 is a list of `leaves` scalars; each next level lists `fanout` aliases of the last
    text = f"l0: &l0 [{', '.join(['x'] * leaves)}]\n" + "".join(
        f"l{k}: &l{k} [{', '.join([f'*l{k - 1}'] * fanout)}]\n" for k in range(1, levels + 1)
    )
    sizes = [1 + leaves]
    for _ in range(levels):
        sizes.append(1 + fanout * sizes[-1])
    expanded = 1 + len(sizes) + sum(sizes)  # the top mapping, its keys, its values
    p = tmp_path_factory.mktemp("bomb") / "b.yaml"
    p.write_text(text)
    saved = (yamlio.MAX_NODES, yamlio._FAST_LOADER)
    try:
        if not fast_parser:
            yamlio._FAST_LOADER = None
        yamlio.MAX_NODES = expanded
        assert load_yaml(p) == yaml.safe_load(text)
        yamlio.MAX_NODES = expanded - 1
        with pytest.raises(InputError, match="aliases are expanded"):
            load_yaml(p)
    finally:
        yamlio.MAX_NODES, yamlio._FAST_LOADER = saved


def test_many_plain_values_count_against_the_node_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(yamlio, "MAX_NODES", 1000)
    p = tmp_path / "flat.yaml"
    p.write_text("[" + ", ".join(["0"] * 1000) + "]\n")  # 1000 values and the list
    with pytest.raises(InputError, match="more than 1,000 YAML nodes"):
        load_yaml(p)


def test_an_alias_inside_the_node_it_names_is_refused(tmp_path):
    p = tmp_path / "cycle.yaml"
    p.write_text("a: &a {b: [1, *a]}\n")
    with pytest.raises(InputError) as info:
        load_yaml(p)
    assert (
        str(info.value) == f"{p}: line 1, column 15: alias *a is inside the node it names (a cycle)"
    )


def test_anchors_shared_within_the_limits_still_load(tmp_path):
    p = tmp_path / "shared.yaml"
    p.write_text("d: &d {salvo_size: 2}\nb: [{doctrine: *d}, {doctrine: *d}]\n")
    assert load_yaml(p) == {"d": {"salvo_size": 2}, "b": [{"doctrine": {"salvo_size": 2}}] * 2}


def test_a_file_over_the_size_limit_is_refused_on_its_size_alone(tmp_path, monkeypatch):
    p = tmp_path / "big.yaml"
    with p.open("wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(InputError, match=r"the file is 16\.0 MiB; input files may be at most"):
        load_yaml(p)
    monkeypatch.setattr(yamlio, "MAX_FILE_BYTES", 100)
    p.write_text("name: " + "x" * 93 + "\n")  # exactly at the limit: read
    assert load_yaml(p) == {"name": "x" * 93}
    p.write_text("name: " + "x" * 94 + "\n")
    with pytest.raises(InputError, match="input files may be at most"):
        load_yaml(p)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_device_that_never_ends_is_refused_after_a_bounded_read():
    with pytest.raises(InputError, match="the file is over 16 MiB"):
        load_yaml("/dev/zero")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "the file is empty"),
        (b"\n  \n\t\n", "the file is empty (only blank lines)"),
        (b"# nothing yet\n", "the file is empty (only comments)"),
        (b"name: x\x00y\n", "not a YAML text file (a NUL byte at offset 7)"),
        (b"\xff\xfen\x00a\x00", "not a YAML text file (a NUL byte at offset 3)"),  # UTF-16
        (b"name: caf\xe9\n", "not a YAML text file (byte 0xE9 at offset 9 is not UTF-8)"),
        (b"a: 1\nb: \x07\n", "line 2, column 4: not a YAML text file (character #x07 is not"),
    ],
)
def test_empty_or_binary_file_says_so(tmp_path, content, problem):
    p = tmp_path / "f.yaml"
    p.write_bytes(content)
    with pytest.raises(InputError) as info:
        load_yaml(p)
    assert str(info.value).startswith(f"{p}: {problem}"), info.value


def test_a_utf8_byte_order_mark_is_accepted(tmp_path):
    p = tmp_path / "bom.yaml"
    p.write_bytes(b"\xef\xbb\xbfname: x\n")
    assert load_yaml(p) == {"name": "x"}


@pytest.mark.parametrize("fast_parser", [True, False], ids=["libyaml", "pure-python"])
def test_malformed_yaml_is_reported_in_pyyaml_words_whichever_parser_counted(
    tmp_path, monkeypatch, fast_parser
):
    if not fast_parser:
        monkeypatch.setattr(yamlio, "_FAST_LOADER", None)
    p = tmp_path / "m.yaml"
    p.write_text("name: [unclosed\n")
    with pytest.raises(InputError) as info:
        load_yaml(p)
    assert str(info.value) == (
        f"{p}: line 2, column 1: malformed YAML: expected ',' or ']', but got '<stream end>'"
    )


# --- unknown keys -------------------------------------------------------------------------


def _battery_typo(key: str, value: object = 33.0, drop: str | None = "lon_deg") -> dict:  # type: ignore[type-arg]
    d = base()
    battery = d["batteries"][0]
    if drop:
        del battery[drop]
    battery[key] = value
    return d


def test_a_typo_in_a_key_is_named_with_the_field_it_was_meant_to_be(tmp_path):
    p = write(tmp_path, _battery_typo("lon_degs"), name="typo.yaml")
    err = _cli_error(tmp_path, p)
    assert err == (
        f"iads: error: {p}: batteries[0].lon_degs: unknown field 'lon_degs'; "
        "did you mean 'lon_deg'?"
    )


def test_an_unknown_key_with_no_close_field_is_still_named(tmp_path):
    p = write(tmp_path, _battery_typo("foo", 1, drop=None), name="extra.yaml")
    err = _cli_error(tmp_path, p)
    assert err == f"iads: error: {p}: batteries[0].foo: unknown field 'foo'"


def test_a_missing_field_with_no_typo_beside_it_is_still_missing(tmp_path):
    d = base()
    del d["batteries"][0]["lon_deg"]
    d["batteries"][0]["foo"] = 1  # nothing like lon_deg: two problems, the first reported
    p = write(tmp_path, d, name="missing.yaml")
    err = _cli_error(tmp_path, p)
    assert err == (
        f"iads: error: {p}: batteries[0].lon_deg: missing required field (and 1 more problem)"
    )


def _error(d: dict, model: type | None = None) -> str:  # type: ignore[type-arg]
    try:
        ScenarioFile.model_validate(d)
    except ValidationError as exc:
        return str(from_validation_error("s.yaml", exc, model))
    raise AssertionError("expected a validation error")


def test_each_typo_and_its_missing_field_count_as_one_problem():
    d = base()
    d["durations_s"] = d.pop("duration_s")
    d["terrain"] = {"dme": "x.tif"}
    assert _error(d) == (
        "s.yaml: durations_s: unknown field 'durations_s'; did you mean 'duration_s'? "
        "(and 1 more problem)"
    )


def test_a_typo_of_an_optional_field_is_matched_against_the_model():
    d = base()
    d["raid"][0]["sped_m_s"] = 250.0
    assert _error(d) == "s.yaml: raid[0].sped_m_s: unknown field 'sped_m_s'"
    assert _error(d, ScenarioFile) == (
        "s.yaml: raid[0].sped_m_s: unknown field 'sped_m_s'; did you mean 'speed_m_s'?"
    )
    d = base()
    d["jammers"] = [
        {
            "name": "j",
            "kind": "stand-off",
            "power_w": 1.0,
            "antenna_gain_db": 0.0,
            "bandwidth_hz": 1e8,
            "site": {"lat_deg": 40.0, "lon_deg": 33.0, "alt_mm": 10.0},  # Position | None
        }
    ]
    assert _error(d, ScenarioFile) == (
        "s.yaml: jammers[0].site.alt_mm: unknown field 'alt_mm'; did you mean 'alt_m'?"
    )


@given(key=st.text(min_size=1, max_size=12))
@settings(max_examples=100, deadline=None)
@example(key="function-")  # once failed: taken for a pydantic validator step and dropped
@example(key="function-after")
def test_any_unknown_key_is_named_on_one_line(key):
    if key in Battery.model_fields:
        return
    d = base()
    d["batteries"][0][key] = 1
    msg = _error(d, ScenarioFile)
    assert len(msg.splitlines()) == 1, msg
    assert " ".join(f"unknown field {key!r}".split()) in msg, msg  # runs of spaces collapse
