"""Reading instance files: the benchmark's format, and one-line errors naming file and line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from iads.errors import InputError
from iads.wta import load_instance

GOOD = "2 3 2\n10\n20\n30\n0 0 0.5\n0 1 0.25\n0 2 1\n1 0 0\n1 1 0.75\n1 2 0.125\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "instance.txt"
    path.write_text(text)
    return path


def test_instance_file_gives_values_probabilities_and_rounds(tmp_path: Path) -> None:
    prob = load_instance(write(tmp_path, GOOD))
    assert prob.target_value.tolist() == [10, 20, 30]
    assert prob.kill_probability.tolist() == [[0.5, 0.25, 1.0], [0.0, 0.75, 0.125]]
    assert prob.rounds.tolist() == [2, 2]
    assert prob.capacity.tolist() == [2, 2]  # no capacity limit beyond the rounds


def test_pairs_may_come_in_any_order_and_blank_lines_are_skipped(tmp_path: Path) -> None:
    head, *rest = GOOD.splitlines()
    values, pairs = rest[:3], rest[3:]
    text = "\n".join([head, "", *values, *reversed(pairs), ""]) + "\n"
    prob = load_instance(write(tmp_path, text))
    assert np.array_equal(
        prob.kill_probability, load_instance(write(tmp_path, GOOD)).kill_probability
    )


BAD = {
    "header has two fields": ("2 3\n", "line 1: header must be 'm n mu', got 2 fields"),
    "header not integers": ("2 x 1\n", "line 1: n must be an integer, got 'x'"),
    "no targets": ("2 0 1\n", "line 1: header needs m >= 1, n >= 1"),
    "nan value": (GOOD.replace("\n20\n", "\nnan\n"), "line 3: target value must be finite"),
    "negative value": (GOOD.replace("\n20\n", "\n-2\n"), "line 3: target value must be >= 0"),
    "p above one": (GOOD.replace("0 1 0.25", "0 1 1.5"), "line 6: probability must be in [0, 1]"),
    "p below zero": (GOOD.replace("0 1 0.25", "0 1 -0.1"), "line 6: probability must be in [0, 1]"),
    "p nan": (GOOD.replace("0 1 0.25", "0 1 nan"), "line 6: probability must be finite"),
    "p not a number": (GOOD.replace("0 1 0.25", "0 1 abc"), "line 6: probability must be a number"),
    "too few lines": (GOOD.rsplit("\n", 2)[0] + "\n", "the file ends early"),
    "too many lines": (GOOD + "1 2 0.5\n", "line 11: unexpected line"),
    "pair twice": (GOOD.replace("1 2 0.125", "0 0 0.125"), "line 10: pair (i=0, j=0) given twice"),
    "index out of range": (
        GOOD.replace("1 2 0.125", "2 2 0.125"),
        "line 10: weapon type i must be in 0..1",
    ),
    "three fields expected": (GOOD.replace("1 2 0.125", "1 2"), "line 10: expected 'i j p'"),
    "empty": ("", "line 1: empty file"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_instance_is_one_line_naming_file_and_line(tmp_path: Path, case: str) -> None:
    text, message = BAD[case]
    path = write(tmp_path, text)
    with pytest.raises(InputError) as info:
        load_instance(path)
    text_of_error = str(info.value)
    assert "\n" not in text_of_error
    assert text_of_error.startswith(f"{path}: ")
    assert message in text_of_error


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read the file"):
        load_instance(tmp_path / "absent.txt")
