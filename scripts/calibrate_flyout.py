"""Calibrate each missile's ``flight.drag_scale`` and ``flight.cl_max`` to its published
maximum range and target altitude.

    python scripts/calibrate_flyout.py            # print the calibrated values
    python scripts/calibrate_flyout.py --write    # and write them into the catalog YAML

No drag or lift data is public for any of the catalog's missiles, so these two are modelling
values chosen so that the envelope the physical flyout computes (``iads envelope MISSILE
--target f16_class``, head-on, the default grid) reaches the published figures:

- ``drag_scale``: the largest value (least drag needed) at which the computed maximum range
  still reaches the published one, by bisection on its logarithm;
- ``cl_max``: the least value at which the computed maximum altitude reaches the published
  one, by bisection (with ``drag_scale`` fixed), then ``drag_scale`` again with that
  ``cl_max`` (the two interact a little), twice.

Each value is rounded to three significant figures, towards the side that reaches. The run
takes several minutes.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import time
from dataclasses import replace
from pathlib import Path

import jax.numpy as jnp

from iads.catalog import load_catalog
from iads.flyout.envelope import compute_envelope, flight_model

CATALOG = Path(__file__).resolve().parents[1] / "src" / "iads" / "catalog"
TARGET = "f16_class"
STEPS = 9


def _round(x: float, up: bool) -> float:
    """``x`` to three significant figures, rounded up or down (towards the side that reaches,
    so that rounding never takes a value across the boundary)."""
    scale = 10.0 ** (math.floor(math.log10(abs(x))) - 2)
    return (math.ceil(x / scale - 1e-9) if up else math.floor(x / scale + 1e-9)) * scale


def _bisect(reaches, lo: float, hi: float, increasing: bool) -> float:  # type: ignore[no-untyped-def]
    """The boundary of ``reaches`` on [lo, hi] (geometric): the largest value that reaches
    when reaching needs a small value (``increasing`` False), the least one otherwise."""
    for _ in range(STEPS):
        mid = math.sqrt(lo * hi)
        ok = reaches(mid)
        if increasing:
            hi, lo = (mid, lo) if ok else (hi, mid)
        else:
            lo, hi = (mid, hi) if ok else (lo, mid)
    return hi if increasing else lo


def calibrate(key: str) -> tuple[float, float]:
    cat = load_catalog()
    missile = cat.missiles[key]
    base = flight_model(cat, key)
    cd0 = base.airframe.cd_mach / missile.flight.drag_scale.value  # type: ignore[union-attr]
    state = {"drag": missile.flight.drag_scale.value, "cl": missile.flight.cl_max.value}  # type: ignore[union-attr]

    def envelope(drag: float, cl: float):  # type: ignore[no-untyped-def]
        airframe = replace(base.airframe, cd_mach=cd0 * drag, cl_max=jnp.asarray(cl, cd0.dtype))
        return compute_envelope(cat, key, TARGET, model=replace(base, airframe=airframe))

    def range_ok(drag: float) -> bool:
        return envelope(drag, state["cl"]).max_range_m >= missile.max_range_m.value

    def altitude_ok(cl: float) -> bool:
        return envelope(state["drag"], cl).max_altitude_m >= missile.max_target_altitude_m.value

    for _ in range(2):
        state["drag"] = _round(_bisect(range_ok, 0.02, 3.0, increasing=False), up=False)
        state["cl"] = _round(_bisect(altitude_ok, 0.5, 60.0, increasing=True), up=True)
    state["drag"] = _round(_bisect(range_ok, 0.02, 3.0, increasing=False), up=False)
    # the envelope is read on a grid, so reaching is not quite monotonic in the drag: step down
    # in the third figure until the rounded value reaches
    for _ in range(20):
        if range_ok(state["drag"]):
            break
        state["drag"] = _round(state["drag"] * (1.0 - 1e-3), up=False)
    final = envelope(state["drag"], state["cl"])
    print(
        f"{key}: drag_scale {state['drag']:g}, cl_max {state['cl']:g} -> "
        f"{final.max_range_m / 1e3:.1f} km (published {missile.max_range_m.value / 1e3:g}), "
        f"{final.max_altitude_m / 1e3:.1f} km (published "
        f"{missile.max_target_altitude_m.value / 1e3:g})",
        flush=True,
    )
    return state["drag"], state["cl"]


def write(key: str, drag: float, cl: float) -> None:
    """Set the two values in the missile's flight block of its catalog file."""
    for path in sorted(CATALOG.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        section = text.find("\nmissiles:\n")
        if section < 0:
            continue
        # the key under missiles: (a system or launcher may have the same name above it)
        head = re.compile(rf"\n  {re.escape(key)}:\n").search(text, section)
        if head is None:
            continue
        nxt = re.search(r"\n  \S[^\n]*:\n", text[head.end() :])
        end = head.end() + nxt.start() if nxt else len(text)
        block = text[head.start() : end]
        for name, value in (("drag_scale", drag), ("cl_max", cl)):
            block, n = re.subn(
                rf"(\n      {name}:\n        value: )[^\n]+", rf"\g<1>{value:g}", block, count=1
            )
            if n != 1:
                sys.exit(f"{path}: {key} has no flight.{name} to write")
        path.write_text(text[: head.start()] + block + text[end:], encoding="utf-8")
        return
    sys.exit(f"{key}: not found in {CATALOG}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "missiles", nargs="*", help="catalog keys (default: every missile with flight data)"
    )
    ap.add_argument("--write", action="store_true", help="write the values into the catalog")
    args = ap.parse_args()
    cat = load_catalog()
    keys = args.missiles or [k for k, m in cat.missiles.items() if m.flight is not None]
    t0 = time.perf_counter()
    for key in keys:
        drag, cl = calibrate(key)
        if args.write:
            write(key, drag, cl)
    print(f"# {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
