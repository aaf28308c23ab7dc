"""The ``wta`` assignment doctrine: a unit fires only what the whole-raid plan gives it."""

from __future__ import annotations

from types import SimpleNamespace

import jax.numpy as jnp
import numpy as np
import pytest

from iads.c2.base import Options
from iads.c2.plan import follow_plan, plan_problem


def _case(
    *,
    rounds: int,
    priority: tuple[float, ...],
    now: tuple[bool, ...],
    reachable: tuple[bool, ...],
    pk: float = 0.8,
    wta: bool = True,
    salvo: int = 2,
    flying_at: int = -1,
) -> tuple[SimpleNamespace, SimpleNamespace, Options, jnp.ndarray]:
    """One unit with one missile type against len(priority) threats."""
    n = len(priority)
    now_a = jnp.array(now)[None, :, None]
    params = SimpleNamespace(
        units=SimpleNamespace(
            valid=jnp.array([True]),
            wta=jnp.array([wta]),
            target_channels=jnp.array([4], jnp.int32),
        ),
        wta_round_slots=8,
    )
    inputs = SimpleNamespace(
        confirmed=jnp.ones(n, bool),
        alive=jnp.ones(n, bool),
        inventory=jnp.array([[rounds]], jnp.int32),
        missile_alive=jnp.array([[flying_at >= 0]]),
        missile_target=jnp.array([[max(flying_at, 0)]], jnp.int32),
        missile_kind=jnp.zeros((1, 1), jnp.int32),
    )
    prio = jnp.array(priority, jnp.float32)
    p = jnp.full((n, 1), pk, jnp.float32)
    salvo_pk = 1.0 - (1.0 - pk) ** salvo
    opts = Options(
        score=jnp.where(now_a[..., 0], prio[None, :] * salvo_pk, 0.0),
        kind=jnp.zeros((1, n), jnp.int32),
        engaged=jnp.zeros((1, n), bool),
        in_envelope=now_a,
        reachable=jnp.array(reachable)[None, :, None] | now_a,
        priority=prio,
        kill_probability=p,
    )
    count = jnp.full((1, n), salvo, jnp.int32)
    return params, inputs, opts, count


def test_the_last_round_is_kept_for_the_threat_worth_more_later() -> None:
    # A is in reach now and worth 1; B is not in reach yet and worth 10. Greedy fires at A;
    # the plan keeps the one round for B, so the unit holds fire.
    params, inputs, opts, count = _case(
        rounds=1, priority=(1.0, 10.0), now=(True, False), reachable=(True, True)
    )
    assert float(opts.score[0, 0]) > 0  # what greedy would fire at
    score, _, _ = follow_plan(params, inputs, opts, count)  # type: ignore[arg-type]
    assert np.all(np.asarray(score) == 0.0)


def test_a_threat_worth_less_later_is_engaged_now_with_the_planned_rounds() -> None:
    params, inputs, opts, count = _case(
        rounds=1, priority=(1.0, 0.1), now=(True, False), reachable=(True, True)
    )
    score, kind, rounds = follow_plan(params, inputs, opts, count)  # type: ignore[arg-type]
    assert float(score[0, 0]) > 0 and float(score[0, 1]) == 0.0
    assert int(kind[0, 0]) == 0
    # the plan has one round: the salvo is one round, not the doctrine's two
    assert int(rounds[0, 0]) == 1


def test_a_threat_the_unit_can_never_reach_does_not_hold_its_fire() -> None:
    params, inputs, opts, count = _case(
        rounds=1, priority=(1.0, 10.0), now=(True, False), reachable=(True, False)
    )
    score, _, rounds = follow_plan(params, inputs, opts, count)  # type: ignore[arg-type]
    assert float(score[0, 0]) > 0 and int(rounds[0, 0]) == 1


def test_the_salvo_never_exceeds_the_doctrine_nor_the_plan() -> None:
    params, inputs, opts, count = _case(
        rounds=6, priority=(5.0,), now=(True,), reachable=(True,), salvo=2
    )
    _, _, rounds = follow_plan(params, inputs, opts, count)  # type: ignore[arg-type]
    assert int(rounds[0, 0]) == 2


def test_a_greedy_unit_keeps_the_greedy_choice() -> None:
    params, inputs, opts, count = _case(
        rounds=1, priority=(1.0, 10.0), now=(True, False), reachable=(True, True), wta=False
    )
    score, kind, rounds = follow_plan(params, inputs, opts, count)  # type: ignore[arg-type]
    np.testing.assert_array_equal(np.asarray(score), np.asarray(opts.score))
    np.testing.assert_array_equal(np.asarray(rounds), np.asarray(count))
    np.testing.assert_array_equal(np.asarray(kind), np.asarray(opts.kind))


@pytest.mark.parametrize("pk", [0.5, 0.8])
def test_rounds_in_flight_discount_a_threat_by_their_kill_probability(pk: float) -> None:
    params, inputs, opts, _ = _case(
        rounds=2,
        priority=(3.0, 3.0),
        now=(True, True),
        reachable=(True, True),
        pk=pk,
        flying_at=1,
    )
    p, value, rounds, capacity = plan_problem(params, inputs, opts)  # type: ignore[arg-type]
    np.testing.assert_allclose(np.asarray(value), [3.0, 3.0 * (1.0 - pk)], rtol=1e-6)
    assert int(rounds[0]) == 2 and int(capacity[0]) == 2
    np.testing.assert_allclose(np.asarray(p), [[pk, pk]])
