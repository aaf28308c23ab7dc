"""Capacities at their echelon: radar (tracks), fire unit (channels), command post (targets
engaged and missiles guided by all its fire units together), and the scenario checks."""

from __future__ import annotations

import copy
import dataclasses

import jax.numpy as jnp
import numpy as np
import pytest

from iads.errors import InputError
from iads.sensing.base import Detections
from iads.tracking.base import TrackingInputs, TrackingParams, Tracks
from iads.tracking.kalman import track
from tests.engine.scenarios import base, compiled, drone_swarm, north_of, run
from tests.engine.test_engine import _in_flight_peaks


def test_a_command_posts_capacity_binds_its_fire_units_together(tmp_path):
    # Two battalions under one command post; each alone may engage 6 threats with 12 rounds
    # guided, together 12 and 24. The command post's own limits (set here to 8 and 14) bind.
    raid = drone_swarm()
    d = base(duration_s=600.0, raid=raid)
    bn = d["batteries"][0]
    bn["launchers"] = [{"type": "5P85TE2", "count": 8, "missile": "48N6E3"}]  # TVM
    bn["doctrine"] = {"salvo_size": 2, "policy": "shoot-shoot", "engagement_range_fraction": 1.0}
    bn2 = copy.deepcopy(bn)
    bn2.update(name="bn2", lon_deg=33.05)
    d["batteries"].append(bn2)
    _, params, _ = compiled(tmp_path, d)
    c2 = dataclasses.replace(params.c2, targets_engaged=np.full_like(params.c2.targets_engaged, 8))
    launch = dataclasses.replace(
        params.launch, missiles_guided=np.full_like(params.launch.missiles_guided, 14)
    )
    out = run(dataclasses.replace(params, c2=c2, launch=launch), 3, seed=6, batch_size=3)
    peak_missiles, peak_targets, _ = _in_flight_peaks(out.missiles)
    assert peak_missiles <= 14 and peak_targets <= 8, (peak_missiles, peak_targets)
    assert peak_missiles == 14 or peak_targets == 8, "the raid must saturate the command post"
    assert set(np.unique(out.missiles.unit[out.missiles.fired])) == {0, 1}, "both battalions fire"


def test_the_command_posts_track_picture_holds_at_most_its_capacity():
    n = 5
    params = TrackingParams(
        process_noise_m2_s3=jnp.asarray(1.0),
        initial_speed_sigma_m_s=jnp.asarray(1000.0),
        confirm_hits=jnp.asarray(2, jnp.int32),
        timeout_s=jnp.asarray(30.0),
        capacity=jnp.asarray(2, jnp.int32),
    )
    tracks = Tracks(
        x=jnp.zeros((n, 6)),
        P=jnp.broadcast_to(jnp.eye(6), (n, 6, 6)),
        exists=jnp.asarray([False, True, False, False, False]),
        hits=jnp.asarray([0, 3, 0, 0, 0], jnp.int32),
        last_update_s=jnp.zeros(n),
    )
    det = Detections(
        looked=None,
        detected=jnp.ones((1, n), bool),
        measured_pos_m=jnp.zeros((1, n, 3)),
        measurement_cov_m2=jnp.broadcast_to(jnp.eye(3), (1, n, 3, 3)),
        range_m=None,
    )
    out, _ = track(params, TrackingInputs(jnp.asarray(1.0), jnp.asarray(1.0), det), tracks)
    # the held track is kept and updated; one new one fits (the first in threat order)
    np.testing.assert_array_equal(np.asarray(out.exists), [True, True, False, False, False])


def test_more_fire_units_than_a_command_post_controls_are_refused(tmp_path):
    d = base()
    bn = d["batteries"][0]
    d["batteries"] = [dict(copy.deepcopy(bn), name=f"bn{i}") for i in range(7)]
    with pytest.raises(InputError) as info:
        compiled(tmp_path, d)
    assert "batteries[6].command_post" in str(info.value) and "at most 6" in str(info.value)
    for i, b in enumerate(d["batteries"]):
        b["command_post"] = "north" if i < 4 else "south"
    _, params, _ = compiled(tmp_path, d)
    assert np.asarray(params.c2.unit_command_post)[:7].tolist() == [0, 0, 0, 0, 1, 1, 1]


def test_more_launchers_than_a_fire_unit_has_are_refused(tmp_path):
    d = base()
    d["batteries"][0]["launchers"] = [{"type": "5P85TE2", "count": 13, "missile": "48N6E3"}]
    with pytest.raises(InputError) as info:
        compiled(tmp_path, d)
    assert "batteries[0].launchers" in str(info.value) and "at most 12" in str(info.value)


def test_a_ballistic_launch_point_beyond_the_missiles_range_is_refused(tmp_path):
    raid = [
        {
            "name": "far",
            "threat": "srbm",
            "count": 1,
            "target": "asset",
            "route": [north_of(2000.0, 0.0)],
        }
    ]
    with pytest.raises(InputError) as info:
        compiled(tmp_path, base(raid=raid))
    assert "raid[0].route[0]" in str(info.value) and "reaches" in str(info.value)
