"""How the engine is put together: stages own their contracts, one step serves both paths,
values are arrays (no recompilation), entity slots are padded to buckets."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from iads.arrays import bucket
from iads.engine.events import MISS
from iads.engine.keys import replication_key
from iads.engine.run import run_batch, run_batches, run_replication
from tests.engine.scenarios import (
    base,
    compiled,
    float_tolerance,
    north_of,
    padded_like,
    run,
    with_kill_probability,
)

_COMPILES: list[str] = []
jax.monitoring.register_event_duration_secs_listener(
    lambda event, _duration, **_kw: (
        _COMPILES.append(event) if event == "/jax/core/compile/backend_compile_duration" else None
    )
)


def compilations() -> int:
    """XLA compilations so far in this process."""
    return len(_COMPILES)


STAGES = ("threats", "sensing", "tracking", "c2", "launch", "flyout", "assessment")
SRC = Path(__file__).resolve().parents[2] / "src" / "iads"


def _imports(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_owns_a_base_and_never_imports_the_engine(stage):
    package = SRC / stage
    assert (package / "base.py").is_file()
    for path in package.glob("*.py"):
        bad = sorted(
            m for m in _imports(path) if m == "iads.engine" or m.startswith("iads.engine.")
        )
        assert not bad, f"{path.relative_to(SRC)} imports {bad}"


def test_bucket_sizes_share_shapes_and_hold_everything():
    assert bucket(30) == bucket(31) == 32
    assert [bucket(n) for n in (0, 1, 2, 3, 5, 9, 17, 33, 49)] == [1, 1, 2, 4, 8, 16, 24, 40, 56]
    for n in range(1, 500):
        assert n <= bucket(n) <= max(2 * n - 1, n + 7)


@pytest.fixture(scope="module")
def fighters_400s(tmp_path_factory):
    return compiled(tmp_path_factory.mktemp("fighters"), base(duration_s=400.0))


def test_vmap_of_the_reference_equals_the_batched_run(fighters_400s):
    # The batched run decides the flyout skip over the whole batch (a real branch); the
    # reference under a plain vmap decides it per replication (a masked select). Same step:
    # discrete outcomes are identical, floats agree to float32 rounding.
    _, params, _ = fighters_400s
    keys = jax.vmap(lambda i: replication_key(jax.random.PRNGKey(3), i))(jnp.arange(6))
    ref = jax.jit(jax.vmap(run_replication, in_axes=(None, 0)))(params, keys)
    bat = jax.jit(run_batch)(params, keys)
    assert int(np.sum(np.asarray(bat.state.launch.n_fired))) > 0, "missiles must fly"
    pairs = list(
        zip(jax.tree_util.tree_leaves_with_path(ref), jax.tree_util.tree_leaves(bat), strict=True)
    )
    for (path, a), b in pairs:  # every discrete outcome first: exactly equal
        a, b = np.asarray(a), np.asarray(b)
        if not np.issubdtype(a.dtype, np.floating):
            np.testing.assert_array_equal(a, b, err_msg=str(path))
    # Where a round that missed ends (on the ground, out of time, 100 s on) follows a flight
    # that its guidance no longer holds: rounding grows there to tens of metres. Only its
    # intercepts' positions are held to the flight tolerance.
    missed = np.asarray(ref.events.end.kind) == MISS
    for (path, a), b in pairs:
        a, b = np.asarray(a), np.asarray(b)
        if np.issubdtype(a.dtype, np.floating):
            np.testing.assert_array_equal(np.isfinite(a), np.isfinite(b), err_msg=str(path))
            if "'end'" in str(path) and "'pos_m'" in str(path):
                np.testing.assert_allclose(a[missed], b[missed], rtol=0.02, atol=50.0)
                a, b = a[~missed], b[~missed]
            np.testing.assert_allclose(a, b, err_msg=str(path), **float_tolerance(path))
    # ... and the batched skip is a real branch, not a masked select.
    assert "cond[" in str(jax.make_jaxpr(run_batch)(params, keys))


def test_changing_model_values_does_not_recompile(fighters):
    # ``fighters`` (conftest) in the batch of 4 that the engine tests compile for it.
    _, params, _ = fighters
    before = run(params, 2, seed=1, batch_size=4)
    size = compilations()
    p = with_kill_probability(params, 0.3)
    scaled = lambda a, x: np.asarray(a) * np.asarray(x, np.asarray(a).dtype)  # noqa: E731
    p = dataclasses.replace(  # NumPy arithmetic: eager JAX ops would compile kernels of their own
        p,
        flyout=dataclasses.replace(
            p.flyout,
            model=dataclasses.replace(
                p.flyout.model,
                navigation_constant=scaled(p.flyout.model.navigation_constant, 1.5),
            ),
        ),
        tracking=dataclasses.replace(p.tracking, timeout_s=scaled(p.tracking.timeout_s, 2.0)),
        c2=dataclasses.replace(p.c2, priority_offset_s=scaled(p.c2.priority_offset_s, 1.5)),
    )
    after = run(p, 2, seed=1, batch_size=4)
    assert compilations() == size
    assert not np.array_equal(before.killed_s, after.killed_s), "the values took effect"


def test_thirty_and_thirty_one_threats_share_one_compilation(tmp_path):
    def raid(n: int) -> list[dict]:
        return [
            {
                "name": "f",
                "threat": "f16_class",
                "count": n,
                "spacing_s": 5.0,
                "target": "asset",
                "route": [north_of(150.0, 8000.0)],
            }
        ]

    _, p30, l30 = compiled(tmp_path, base(duration_s=60.0, raid=raid(30)))
    _, p31, l31 = compiled(tmp_path, base(duration_s=60.0, raid=raid(31)))
    assert (l30.n_threats, l31.n_threats) == (30, 31)
    run_batches(p30, 2, seed=1, batch_size=2)
    size = compilations()
    out = run(p31, 2, seed=1, batch_size=2)
    assert compilations() == size
    assert out.detect_s.shape == (2, 31)


def _launchers(tmp_path, launchers: int):  # type: ignore[no-untyped-def]
    d = base(
        duration_s=200.0,
        raid=[
            {
                "name": "f",
                "threat": "f16_class",
                "count": 1,
                "target": "asset",
                "route": [north_of(120.0, 8000.0)],
            }
        ],
    )
    d["batteries"][0]["launchers"] = [{"type": "5P85SE2", "count": launchers, "missile": "9M96E2"}]
    d["batteries"][0]["doctrine"] = {"salvo_size": 8, "engagement_range_fraction": 1.0}
    return compiled(tmp_path, d)[1]


def _launch_times(params) -> np.ndarray:  # type: ignore[no-untyped-def]
    out = run(with_kill_probability(params, 0.001), 1, seed=2, batch_size=1)
    m = out.missiles
    first = np.sort(m.launch_time_s[0][m.fired[0]])[:8]
    assert len(first) == 8
    return first


def test_eight_launchers_fire_eight_rounds_in_one_interval_where_one_fires_one(tmp_path):
    interval = 3.0  # the S-400 launch interval (catalog), one launcher's
    p8 = _launchers(tmp_path, 8)
    eight = _launch_times(p8)
    assert np.all(eight == eight[0]), eight
    # One launcher, its slots padded to eight (as a bucket pads them): one compiled engine.
    one = _launch_times(padded_like(_launchers(tmp_path, 1), p8))
    assert np.all(np.diff(one) >= interval - 1e-6), one
