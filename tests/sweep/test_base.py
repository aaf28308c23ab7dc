"""The study contract: grid arguments, paths, and the points a design makes (no engine)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from iads.errors import InputError
from iads.sweep.base import Range, StudySpec, parse_grid, parse_value, path_parts


def test_a_grid_argument_is_a_path_and_its_values_in_order():
    axis = parse_grid("raid[0].count=8,16,32")
    assert axis.path == "raid[0].count"
    assert axis.values == (8, 16, 32)
    assert axis.argument == "--grid 'raid[0].count=8,16,32'"
    assert parse_grid("threats.f35_class.rcs_m2=0.001,0.01").values == (0.001, 0.01)
    assert parse_grid("batteries[0].doctrine.policy=shoot-shoot").values == ("shoot-shoot",)
    assert path_parts("batteries[1].launchers[0].count") == (
        "batteries",
        1,
        "launchers",
        0,
        "count",
    )
    assert path_parts("missiles.48N6E3.max_range_m") == ("missiles", "48N6E3", "max_range_m")


@pytest.mark.parametrize(
    "argument",
    [
        "raid[0].count",
        "raid[0].count=",
        "raid[0].count=8,,16",
        "raid[x].count=1",
        "=1",
        "a..b=1",
        "raid[0].count=8,8",
    ],
)
def test_a_malformed_grid_argument_is_an_input_error_naming_it(argument):
    with pytest.raises(InputError) as err:
        parse_grid(argument, "s.yaml")
    assert f"--grid {argument!r}" in str(err.value)
    assert "\n" not in str(err.value)


@given(st.integers(-(10**12), 10**12))
def test_an_integer_written_on_the_command_line_reads_back_as_that_integer(i):
    assert parse_value(str(i)) == i and isinstance(parse_value(str(i)), int)


@given(st.floats(allow_nan=False, allow_infinity=False))
@example(1e-300)
@example(0.1)
def test_a_float_written_on_the_command_line_reads_back_exactly(x):
    v = parse_value(repr(x))
    assert float(v) == x


@given(st.lists(st.integers(1, 4), min_size=1, max_size=4))
def test_a_grid_has_every_combination_of_its_values_exactly_once(sizes):
    axes = tuple(
        parse_grid(f"p{k}=" + ",".join(str(v) for v in range(n))) for k, n in enumerate(sizes)
    )
    spec = StudySpec(scenario=Path("s.yaml"), axes=axes, replications=1, seed=0)
    points = spec.points()
    assert len(points) == math.prod(sizes)
    combos = [tuple(v for _, v in p.values) for p in points]
    assert len(set(combos)) == len(combos)
    assert [p.index for p in points] == list(range(len(points)))
    # the first axis varies slowest
    assert [c[0] for c in combos] == sorted(c[0] for c in combos)


@settings(deadline=None)  # the first example imports scipy.stats.qmc
@given(st.integers(2, 40), st.integers(0, 2**31 - 1))
@example(2, 0)
def test_a_latin_hypercube_puts_one_point_in_each_stratum_of_each_range(n, seed):
    ranges = (
        Range("threats.f35_class.rcs_m2", 1e-4, 1.0, "ranges.a", log=True),
        Range("batteries[0].doctrine.engagement_range_fraction", 0.5, 1.0, "ranges.b"),
    )
    spec = StudySpec(
        scenario=Path("s.yaml"),
        axes=(),
        replications=1,
        seed=seed,
        design="latin-hypercube",
        ranges=ranges,
        samples=n,
    )
    points = spec.points()
    assert len(points) == n
    rcs = np.array([p.as_dict()[ranges[0].path] for p in points])
    frac = np.array([p.as_dict()[ranges[1].path] for p in points])
    # log-uniform over 4 decades: stratum k of n holds log10 values in [-4 + 4k/n, -4 + 4(k+1)/n)
    strata_rcs = np.floor((np.log10(rcs) + 4.0) / 4.0 * n + 1e-9).astype(int)
    strata_frac = np.floor((frac - 0.5) / 0.5 * n + 1e-9).astype(int)
    assert sorted(np.clip(strata_rcs, 0, n - 1)) == list(range(n))
    assert sorted(np.clip(strata_frac, 0, n - 1)) == list(range(n))
    # the same seed gives the same points
    assert spec.points() == points


def test_an_integer_range_gives_whole_numbers_within_it():
    r = Range("raid[0].count", 8, 64, "ranges.c", integer=True)
    spec = StudySpec(Path("s.yaml"), (), 1, 5, "random", (r,), 50)
    values = [p.as_dict()["raid[0].count"] for p in spec.points()]
    assert all(isinstance(v, int) and 8 <= v <= 64 for v in values)
