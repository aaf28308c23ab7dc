"""Engine behaviour: known answers and invariants of whole runs."""

from __future__ import annotations

import dataclasses
import math

import jax
import numpy as np
import pytest
from scipy import stats

from iads import simulate
from iads.assessment.base import OUTCOME_KILL
from iads.engine.run import run_batches
from iads.threats.flight import threat_position
from tests.engine.scenarios import (
    base,
    compiled,
    drone_swarm,
    first_look_scenario,
    north_of,
    padded_like,
    raid_group,
    replace_radars,
    replace_threats,
    run,
    with_kill_probability,
    write,
)

BOLTZMANN = 1.380649e-23
LIGHT = 299_792_458.0


def _textbook_snr(radar, rcs_m2: float, range_m: float) -> float:  # type: ignore[no-untyped-def]
    """Radar range equation written out independently of iads.radar (Skolnik eq. 2.1 form)."""
    lam = LIGHT / radar.frequency_hz.value
    g = 10 ** (radar.antenna_gain_db.value / 10)
    loss = 10 ** (radar.losses_db.value / 10)
    energy = radar.peak_power_w.value * radar.pulse_width_s.value * radar.pulses_integrated.value
    return (
        energy
        * g**2
        * lam**2
        * rcs_m2
        / (
            (4 * math.pi) ** 3
            * range_m**4
            * BOLTZMANN
            * radar.system_noise_temperature_k.value
            * loss
        )
    )


def _in_flight_peaks(log) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """Peaks over launch times and replications of: missiles in flight, distinct threats they
    fly at, and missiles in flight at any one threat (from the missile events)."""
    peak_missiles = peak_targets = peak_at_one = 0
    for r in range(log.unit.shape[0]):
        used = log.unit[r] >= 0
        launch, end = log.launch_time_s[r][used], log.end_time_s[r][used]
        end = np.where(np.isnan(end), np.inf, end)
        target = log.target[r][used]
        for t in np.unique(launch):
            flying = (launch <= t) & (end > t)
            targets, counts = np.unique(target[flying], return_counts=True)
            peak_missiles = max(peak_missiles, int(flying.sum()))
            peak_targets = max(peak_targets, len(targets))
            peak_at_one = max(peak_at_one, int(counts.max(initial=0)))
    return peak_missiles, peak_targets, peak_at_one


# --- sensing ---------------------------------------------------------------------------------


def test_target_below_radar_horizon_is_never_detected(tmp_path):
    # A large, low drone crosses 100 km north of the battery, east to west; the 4/3-Earth horizon
    # between an 8 m antenna and a 100 m target is 4.12 (sqrt(8) + sqrt(100)) ~ 53 km.
    route = [north_of(100.0, 100.0, lon_deg=34.5), north_of(100.0, 100.0, lon_deg=31.5)]
    d = base(
        duration_s=300.0,
        raid=[
            {
                "name": "low",
                "threat": "one_way_attack_drone",
                "count": 2,
                "spacing_s": 5.0,
                "target": "asset",
                "route": route,
            }
        ],
    )
    _, params, _ = compiled(tmp_path, d)
    huge = replace_threats(params, rcs_m2=np.full_like(params.threats.rcs_m2, 1.0e4))
    states = run(huge, 6, seed=1, batch_size=6)
    assert np.all(np.isinf(states.detect_s))
    # Control: the same crossing at 3,000 m is above the horizon and is seen.
    d["raid"][0]["route"] = [dict(p, alt_m=3000.0) for p in route]
    _, params_high, _ = compiled(tmp_path, d)
    high = replace_threats(params_high, rcs_m2=np.full_like(params_high.threats.rcs_m2, 1.0e4))
    states = run(high, 6, seed=1, batch_size=6)
    assert np.all(np.isfinite(states.detect_s))


def test_first_look_in_range_detects_with_the_radar_equation_probability(tmp_path):
    # One surveillance radar looks every second; the instrumented range is cut to 150 km and the
    # target's RCS chosen so that Pd(150 km) ~ 0.5 by the radar equation and the Swerling-1
    # closed form Pd = Pfa^(1/(1+SNR)). The first look inside 150 km happens at a range uniform in
    # [150 km - v*1 s, 150 km]; the fraction of replications that detect there must match.
    scn, params, _ = compiled(tmp_path, first_look_scenario(), dtype="float64")
    radar = scn.catalog.radars["91N6E"]
    pfa = radar.false_alarm_probability.value
    r_max = 150_000.0
    snr50 = math.log(pfa) / math.log(0.5) - 1.0
    rcs = snr50 / _textbook_snr(radar, 1.0, r_max)
    speed = float(params.threats.ground_speed_m_s[0]) * (1 + 8000.0 / 6.371e6)
    p = replace_radars(
        params,
        search_frame_s=np.array([1.0, 1e9]),  # the engagement radar never searches
        track_revisit_s=np.array([np.inf, np.inf]),  # nor is it cued
        max_range_m=np.array([r_max, 0.0]),
    )
    p = replace_threats(
        p, rcs_m2=np.full_like(p.threats.rcs_m2, rcs), swerling=np.array([1], np.int32)
    )
    n = 600
    states = run(p, n, seed=3, batch_size=n)
    rng = np.asarray(states.detect_range_m[:, 0])
    first_look = np.isfinite(rng) & (rng >= r_max - speed * 1.0 - 50.0)
    grid = np.linspace(r_max - speed, r_max, 101)
    expected = float(np.mean([pfa ** (1.0 / (1.0 + _textbook_snr(radar, rcs, r))) for r in grid]))
    assert 0.45 < expected < 0.6
    pvalue = stats.binomtest(int(first_look.sum()), n, expected).pvalue
    assert pvalue > 1e-3, (first_look.mean(), expected)
    assert np.all(rng[np.isfinite(rng)] <= r_max + 1.0)  # nothing seen beyond the cut


# --- engagement ------------------------------------------------------------------------------


def test_straight_flying_target_inside_envelope_is_intercepted(fighters):
    _, params, _ = fighters
    # straight-flying: no evasive weave (it starts a second or two before the intercept and
    # moves the fighter tens of metres off the track that threat_position gives)
    p = replace_threats(
        with_kill_probability(params, 1.0),
        weave_accel_m_s2=np.zeros_like(params.threats.weave_accel_m_s2),
    )
    states = run(p, 4, seed=5, batch_size=4)
    assert np.all(np.isfinite(states.killed_s)), "every fighter is destroyed"
    assert np.all(np.isinf(states.leaked_s))
    log = states.missiles
    kills = log.fired & (log.outcome == OUTCOME_KILL)
    r, i = np.nonzero(kills)
    assert len(r) >= 4 * 4
    # Each kill happened within the missile's end-game range of where the threat really was.
    tgt = log.target[r, i]
    t_end = log.end_time_s[r, i]
    truth = np.stack(
        [
            np.asarray(threat_position(params.threats, np.float32(t)))[j]
            for t, j in zip(t_end, tgt, strict=True)
        ]
    )
    miss = np.linalg.norm(truth - log.end_pos_m[r, i], axis=-1)
    endgame = np.asarray(params.assessment.endgame_range_m)[log.kind[r, i]]
    assert np.all(miss <= endgame + 1.0), miss.max()
    # ... and inside the envelope: within the 48N6E3's maximum range of the battery.
    ground = np.linalg.norm(log.end_pos_m[r, i][:, :2], axis=-1)
    assert np.all(ground <= np.asarray(params.c2.envelope.max_range_m)[log.kind[r, i]])


def test_no_missiles_means_every_threat_leaks(tmp_path, fighters):
    _, params, _ = fighters
    empty = dataclasses.replace(
        params,
        launch=dataclasses.replace(params.launch, inventory=np.zeros_like(params.launch.inventory)),
    )
    states = run(empty, 3, seed=2, batch_size=4)  # the fighters' compiled batch of 4
    assert np.all(np.isfinite(states.leaked_s))
    assert np.all(np.isinf(states.killed_s))
    assert np.all(states.n_fired == 0)
    # Also a scenario with no battery at all.
    d = base(batteries=[])
    _, p2, _ = compiled(tmp_path, d)
    st2 = run(p2, 2, seed=2, batch_size=2)
    assert np.all(np.isfinite(st2.leaked_s))
    assert np.all(np.isinf(st2.detect_s))


def test_kill_probability_one_and_enough_missiles_nothing_leaks(tmp_path):
    raid = [
        {
            "name": "fighters",
            "threat": "f16_class",
            "count": 4,
            "spacing_s": 15.0,
            "target": "asset",
            "route": [north_of(200.0, 8000.0)],
        },
        {
            "name": "drones",
            "threat": "one_way_attack_drone",
            "count": 6,
            "spacing_s": 10.0,
            "target": "asset",
            "route": [north_of(-45.0, 1500.0)],
        },
        {
            "name": "cruise",
            "threat": "subsonic_cruise_missile",
            "count": 4,
            "spacing_s": 10.0,
            "launch_time_s": 100.0,
            "target": "asset",
            "route": [{"lat_deg": 40.0, "lon_deg": 34.2, "alt_m": 2000.0}],
        },
    ]
    d = base(duration_s=900.0, raid=raid)
    d["batteries"][0]["launchers"] = [
        {"type": "5P85TE2", "count": 8, "missile": "48N6E3"},
        {"type": "5P85SE2", "count": 2, "missile": "9M96E2"},
    ]
    _, params, _ = compiled(tmp_path, d)
    # Threats from the north, south and east: this test's 92N6E searches all round.
    params = replace_radars(params, sector_half_width_rad=np.full(2, np.pi))
    states = run(with_kill_probability(params, 1.0), 8, seed=11, batch_size=8)
    assert np.all(np.isinf(states.leaked_s)), np.isfinite(states.leaked_s).sum(axis=1)
    assert np.all(np.isfinite(states.killed_s))
    assert np.all(states.inventory.sum(axis=(1, 2)) > 0), "missiles were left over"


def _saturating_raid(tmp_path, launchers: list[dict], target_channels: int | None = None):  # type: ignore[no-untyped-def]
    """24 drones arrive together from the north; shoot-shoot with salvos of 2 wants more than
    the 92N6E's channels allow (or ``target_channels``, replacing the unit's)."""
    raid = drone_swarm()
    d = base(duration_s=700.0, raid=raid)
    d["batteries"][0]["doctrine"] = {
        "salvo_size": 2,
        "policy": "shoot-shoot",
        "engagement_range_fraction": 1.0,
    }
    d["batteries"][0]["launchers"] = launchers
    scn, params, _ = compiled(tmp_path, d)
    # Missile and salvo rows padded to those of eight 9M96E2 launchers (the most rounds):
    # both channel tests run on one compiled engine.
    d["batteries"][0]["launchers"] = [{"type": "5P85SE2", "count": 8, "missile": "9M96E2"}]
    params = padded_like(params, compiled(tmp_path, d)[1])
    radar = scn.catalog.radars["92N6E"]
    if target_channels is not None:
        units = params.c2.units
        fewer = np.full_like(np.asarray(units.target_channels), target_channels)
        units = dataclasses.replace(units, target_channels=fewer)
        params = dataclasses.replace(params, c2=dataclasses.replace(params.c2, units=units))
    states = run(params, 4, seed=4, batch_size=4)
    peaks = _in_flight_peaks(states.missiles)
    return int(radar.target_channels.value), int(radar.missile_channels.value), peaks


def test_fire_control_channels_are_never_exceeded(tmp_path):
    # 48N6E3: track-via-missile, it holds a guidance channel for its whole flight.
    launchers = [{"type": "5P85TE2", "count": 8, "missile": "48N6E3"}]
    target_channels, missile_channels, peaks = _saturating_raid(tmp_path, launchers)
    peak_missiles, peak_targets, _ = peaks
    assert peak_missiles <= missile_channels
    assert peak_targets <= target_channels
    assert peak_missiles == missile_channels or peak_targets == target_channels, (
        "the raid must saturate the channels for this test to mean anything"
    )


def test_a_unit_with_more_target_channels_holds_more_engagements_at_once(tmp_path):
    # The same battalion and raid with two target channels instead of the 92N6E's: it never
    # flies at more than two threats at once, and with its own channels it flies at more.
    launchers = [{"type": "5P85TE2", "count": 8, "missile": "48N6E3"}]
    channels, _, (_, peak_full, _) = _saturating_raid(tmp_path, launchers)
    _, _, (_, peak_two, _) = _saturating_raid(tmp_path, launchers, target_channels=2)
    assert channels > 2
    assert peak_two <= 2 < peak_full


def test_an_active_missile_frees_its_channel_at_lock_on(tmp_path):
    # 9M96E2: active seeker; once locked on it needs no channel, so more rounds fly than the
    # 92N6E's 12 guidance channels (but never more than the unit's 18 missile slots).
    launchers = [{"type": "5P85SE2", "count": 8, "missile": "9M96E2"}]
    target_channels, missile_channels, peaks = _saturating_raid(tmp_path, launchers)
    peak_missiles, peak_targets, _ = peaks
    assert missile_channels < peak_missiles <= (3 * missile_channels + 1) // 2
    assert peak_targets <= target_channels


# --- reproducibility and precision -----------------------------------------------------------


def test_same_seed_gives_identical_summary_and_another_seed_differs(fighters):
    scn, _, _ = fighters
    # Batches of 4 (the fighters' compiled batch): replications do not depend on the batch.
    a = simulate(scn, replications=6, seed=21, batch_size=4).summary()
    b = simulate(scn, replications=6, seed=21, batch_size=4).summary()
    c = simulate(scn, replications=6, seed=22, batch_size=4).summary()
    assert a == b
    assert a != c


def _assert_same_run(got, want, index: int, err: str) -> None:
    """Replication ``index`` of ``got`` equals ``want``'s first, bit for bit (NaN = NaN)."""
    leaves = jax.tree_util.tree_leaves_with_path(got)
    for (path, xg), xw in zip(leaves, jax.tree_util.tree_leaves(want), strict=True):
        np.testing.assert_array_equal(
            np.asarray(xg)[index], np.asarray(xw)[0], err_msg=f"{err} {path}"
        )


def test_replication_alone_equals_the_same_replication_in_a_batch(fighters):
    # Keys depend only on (seed, replication index), and XLA's CPU code rounds alike in any
    # batch (iads.CPU_ISA_FLAG; a batch of one runs padded to two): identical, bit for bit.
    _, params, _ = fighters
    batch = run_batches(params, 4, seed=9, batch_size=4)
    alone = run_batches(params, 1, seed=9, batch_size=1, first_replication=3)
    _assert_same_run(batch, alone, 3, "batch of 4 against alone")


@pytest.mark.slow
def test_a_replication_with_missiles_in_flight_is_the_same_in_a_batch_of_any_size(tmp_path):
    """Eight fighters against a battalion: every replication fires, and the flyout runs
    hundreds of steps. Alone, in a batch of 3 and in a batch of 160, replications 0, 1 and 2
    end bit for bit the same. (With AVX2's fused multiply-add XLA rounded a batch of 150
    otherwise than one of 50, and 14 of 50 replications of this scenario changed outcome.)"""
    from iads.scenario.compile import compile_scenario, load_scenario

    d = base(duration_s=900.0, replications=3, seed=4)
    d["raid"] = [raid_group("f35", "f35_class", 8, 10.0, 300.0, 10000.0)]
    params, _ = compile_scenario(load_scenario(write(tmp_path, d)))
    large = run_batches(params, 160, seed=4, batch_size=160)
    three = run_batches(params, 3, seed=4, batch_size=3)
    assert np.asarray(large.events.launch.kind).any()  # rounds were fired
    for i in range(3):
        alone = run_batches(params, 1, seed=4, batch_size=1, first_replication=i)
        _assert_same_run(large, alone, i, f"replication {i}, batch of 160")
        _assert_same_run(three, alone, i, f"replication {i}, batch of 3")


def test_float32_and_float64_runs_agree(fighters):
    scn, _, _ = fighters
    # The same 16 replications in the batch shapes other tests compile (4 in float32, 2 in
    # float64): a replication does not depend on its batch.
    s32 = simulate(scn, replications=16, seed=5, dtype="float32", batch_size=4).summary()
    s64 = simulate(scn, replications=16, seed=5, dtype="float64", batch_size=2).summary()
    for a, b in zip(s32["threats"], s64["threats"], strict=True):
        for key in ("detected", "engaged", "destroyed", "leaked"):
            assert abs(a[key]["mean"] - b[key]["mean"]) <= 0.35 * a["count"], key
        ra, rb = a["first_detection_range_m"]["mean"], b["first_detection_range_m"]["mean"]
        assert abs(ra - rb) <= 0.02 * rb
    fired32 = sum(v["mean"] for v in s32["missiles_fired"].values())
    fired64 = sum(v["mean"] for v in s64["missiles_fired"].values())
    assert abs(fired32 - fired64) <= 0.2 * fired64


def test_the_clock_does_not_drift_in_float32(fighters, tmp_path):
    # 0.2 s steps added 3,500 times in float32 drift by about a second; the engine counts steps.
    d = base(duration_s=700.0, time_step_s=0.2)
    _, params, _ = compiled(tmp_path, d)
    states = run(params, 1, seed=1, batch_size=1)
    assert float(states.t_s[0]) == 700.0


def test_a_threat_arriving_in_the_last_step_leaks(tmp_path):
    # A drone from 4 km at ~47 m/s arrives at ~85 s; the run ends at 85.5 s with 1 s steps, so
    # the arrival falls between the last step's start (84 s) and the end.
    d = base(
        duration_s=0.0,
        batteries=[],
        raid=[
            {
                "name": "d",
                "threat": "one_way_attack_drone",
                "count": 1,
                "target": "asset",
                "route": [north_of(4.0, 500.0)],
            }
        ],
    )
    d["duration_s"] = 1.0
    _, params, layout = compiled(tmp_path, d)
    arrival = float(layout.arrival_s[0])
    d["duration_s"] = math.floor(arrival) + 0.5
    _, params, _ = compiled(tmp_path, d)
    states = run(params, 1, seed=1, batch_size=1)
    assert np.isfinite(states.leaked_s[0, 0])


def test_doctrine_limits_salvos_in_the_air_at_one_threat(tmp_path):
    # Shoot-shoot with salvos of 2: at most two salvos (4 missiles) undecided at one threat;
    # shoot-look-shoot: at most one salvo.
    raid = [
        {
            "name": "f",
            "threat": "f16_class",
            "count": 3,
            "spacing_s": 30.0,
            "target": "asset",
            "route": [north_of(120.0, 8000.0)],
        }
    ]
    for policy, most in (("shoot-shoot", 4), ("shoot-look-shoot", 2)):
        d = base(duration_s=700.0, raid=raid)
        d["batteries"][0]["doctrine"] = {
            "salvo_size": 2,
            "policy": policy,
            "engagement_range_fraction": 1.0,
        }
        _, params, _ = compiled(tmp_path, d)
        states = run(with_kill_probability(params, 0.001), 3, seed=2, batch_size=4)
        _, _, peak = _in_flight_peaks(states.missiles)
        assert peak == most, (policy, peak)


def test_simulate_accepts_numpy_integers_and_leaves_jax_in_32_bit_mode(fighters):
    scn, _, _ = fighters
    before = jax.config.jax_enable_x64
    res = simulate(scn, replications=np.int64(2), seed=np.int32(3), dtype="float64")
    assert res.replications == 2
    assert jax.config.jax_enable_x64 == before
