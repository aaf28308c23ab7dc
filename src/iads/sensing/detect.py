"""Sensing stage kernel: every radar that is due to look this step tries to detect every threat.

A radar searches its coverage once per ``search_frame_s``: all round for a rotating radar,
within ``sector_half_width_rad`` of its boresight for a sector radar (it never sees a threat
outside its sector). A radar with a finite ``track_revisit_s`` is also cued by the command
post's tracks: every ``track_revisit_s`` it looks at the tracked threats in its sector, at
most ``track_capacity`` of them (in threat order).

The threat's RCS is the catalog value for the radar's band and the aspect under which the radar
sees it (nose, side or tail sector). A threat is detectable when it is airborne, in the radar's
line of sight, inside the instrumented range and the elevation limits; it is then detected with
the single-look probability from the radar equation and its Swerling case (interpolated in a
0.02 dB table made by :func:`iads.radar.equation.detection_probability_table`). Detections carry
a noisy position: Gaussian range error ``range_noise_m`` along the line of sight and angle error
``angle_noise_rad`` across it, expressed in the frame.

Line of sight: over the scenario's terrain when it names a DEM (inside the masking grid, the
threat's height above the ground must reach the radar's lowest visible height for that cell,
:mod:`iads.scenario.terrain`), else, and outside the grid, the smooth 4/3-Earth horizon.

A radar out of action (``radar_out``: an anti-radiation missile reached it) never looks again:
it detects nothing, so its tracks are no longer updated and, a fire-control radar, it no longer
holds threats for its fire unit.

Noise jamming (:func:`iads.radar.jamming.jamming_to_noise`) lowers the SNR to
SNR / (1 + J/N): a self-screening jammer through the main beam when the radar looks at its
carrier, each stand-off jammer in view through the main beam when it lies within half a
beamwidth of the threat's direction, else through the sidelobes (the radar's
``sidelobe_level_db``).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import Array

from iads.geo import vec
from iads.geo.sphere import altitude_m, azimuth_off_rad, ground_range_m, xyz_to_enu
from iads.radar.equation import effective_earth_geometry, lookup_detection_probability
from iads.radar.jamming import jamming_to_noise
from iads.sensing.base import (
    Detections,
    RadarParams,
    SensingInputs,
    SensingKeys,
    SensingParams,
    SensingState,
)


def line_of_sight_geometry(
    sensor_pos_m: Array, target_pos_m: Array, k_factor: Array | float
) -> tuple[Array, Array, Array]:
    """Slant range (m), elevation (rad) and horizon clearance on the k-factor Earth.

    ``sensor_pos_m`` [D, 3] and ``target_pos_m`` [J, 3] give arrays of shape [D, J].
    """
    ground_range = ground_range_m(sensor_pos_m[:, None, :], target_pos_m[None, :, :])
    h_s = altitude_m(sensor_pos_m)[:, None]
    h_t = altitude_m(target_pos_m)[None, :]
    return effective_earth_geometry(h_s, h_t, ground_range, k_factor)


#: cos(45 deg): the nose and tail sectors are within 45 deg of the heading and of its reverse.
_COS_45 = 0.7071067811865476


def aspect_index(threat_pos_m: Array, threat_vel_m_s: Array, radar_pos_m: Array) -> Array:
    """Aspect sector [D, J] under which each radar sees each threat: 0 nose, 1 side, 2 tail.

    The angle is between the threat's velocity and the direction from the threat to the radar;
    a threat that is not moving shows its nose.
    """
    to_radar = radar_pos_m[:, None, :] - threat_pos_m[None, :, :]  # [D, J, 3]
    speed = vec.norm(threat_vel_m_s)[None, :]
    cos_a = vec.dot(to_radar, threat_vel_m_s[None, :, :]) / jnp.maximum(
        vec.norm(to_radar) * speed, 1e-9
    )
    cos_a = jnp.where(speed > 0, cos_a, 1.0)
    return jnp.where(cos_a >= _COS_45, 0, jnp.where(cos_a <= -_COS_45, 2, 1)).astype(jnp.int32)


def rcs_seen_m2(rcs_table_m2: Array, band: Array, aspect: Array) -> Array:
    """RCS [D, J] from tables [J, bands, aspects], radar bands [D] and aspects [D, J]."""
    threat = jnp.arange(rcs_table_m2.shape[0])[None, :]
    return rcs_table_m2[threat, band[:, None], aspect]


def terrain_clear(rp: RadarParams, pos_m: Array, smooth_clear: Array) -> Array:
    """Line of sight [D, N] from every radar to positions [N, 3] over the terrain.

    Inside the masking grid and the radar's range: the position's height above the ground reaches
    the radar's lowest visible height for its cell. Elsewhere (or without terrain):
    ``smooth_clear``, the smooth 4/3-Earth horizon.
    """
    e0, n0, cell = rp.terrain_grid_m[0], rp.terrain_grid_m[1], rp.terrain_grid_m[2]
    rows, cols = rp.terrain_lowest_m.shape[1:]
    e, n, h = xyz_to_enu(pos_m)
    col_f = (e - e0) / cell
    row_f = (n0 - n) / cell
    inside = (col_f >= 0) & (col_f < cols) & (row_f >= 0) & (row_f < rows)
    col = jnp.clip(col_f, 0, cols - 1).astype(jnp.int32)
    row = jnp.clip(row_f, 0, rows - 1).astype(jnp.int32)
    lowest = rp.terrain_lowest_m[:, row, col]  # [D, N]
    # Beyond a radar's instrumented range its layer holds no answer (inf): a stand-off jammer
    # there still radiates into the radar, so the smooth horizon decides.
    known = inside[None, :] & jnp.isfinite(lowest)
    return jnp.where(known, h[None, :] >= lowest, smooth_clear)


def jamming_noise_ratio(
    params: SensingParams, inputs: SensingInputs, pos_m: Array, jams: Array
) -> Array:
    """J/N [D, J] in each radar's receiver when it looks at each threat (positions [J, 3]).

    ``jams`` [J] marks threats whose self-screening jammer is on (launched and alive).
    """
    rp, sp = params.radars, params.jammers
    to_threat = pos_m[None, :, :] - rp.pos_m[:, None, :]  # [D, J, 3]
    r_t = vec.norm(to_threat)
    ssj = jamming_to_noise(
        jnp.where(jams, inputs.ssj_erp_w, 0.0)[None, :],
        inputs.ssj_bandwidth_hz[None, :],
        rp.gain_db[:, None],
        rp.frequency_hz[:, None],
        rp.noise_temperature_k[:, None],
        rp.receiver_bandwidth_hz[:, None],
        jnp.maximum(r_t, 1.0),
    )
    to_jammer = sp.pos_m[None, :, :] - rp.pos_m[:, None, :]  # [D, S, 3]
    r_s = vec.norm(to_jammer)
    _, _, smooth = line_of_sight_geometry(rp.pos_m, sp.pos_m, params.k_factor)
    in_view = terrain_clear(rp, sp.pos_m, smooth)  # [D, S]
    cos_sep = vec.dot(to_threat[:, :, None, :], to_jammer[:, None, :, :]) / jnp.maximum(
        r_t[:, :, None] * r_s[:, None, :], 1.0
    )  # [D, J, S]
    main_beam = cos_sep >= jnp.cos(0.5 * rp.beamwidth_rad)[:, None, None]
    gain = rp.gain_db[:, None, None] + jnp.where(
        main_beam, 0.0, rp.sidelobe_level_db[:, None, None]
    )
    soj = jamming_to_noise(
        jnp.where(in_view, sp.erp_w[None, :], 0.0)[:, None, :],
        sp.bandwidth_hz[None, None, :],
        gain,
        rp.frequency_hz[:, None, None],
        rp.noise_temperature_k[:, None, None],
        rp.receiver_bandwidth_hz[:, None, None],
        jnp.maximum(r_s, 1.0)[:, None, :],
    )
    return ssj + jnp.sum(soj, axis=-1)


def sense(
    params: SensingParams, inputs: SensingInputs, state: SensingState, key: SensingKeys
) -> tuple[SensingState, Detections]:
    """The sensing stage: radars due to look at ``inputs.t_s`` try to detect every threat."""
    rp, kin, t_s = params.radars, inputs.kin, inputs.t_s
    working = rp.valid & ~inputs.radar_out
    search = working & (t_s >= state.next_scan_s)
    next_scan = jnp.where(search, state.next_scan_s + rp.search_frame_s, state.next_scan_s)
    cue = working & jnp.isfinite(rp.track_revisit_s) & (t_s >= state.next_track_s)
    next_track = jnp.where(cue, t_s + rp.track_revisit_s, state.next_track_s)
    in_sector = _in_sector(rp, kin.pos_m)  # [D, J]
    cued_here = inputs.tracked[None, :] & in_sector
    rank = jnp.cumsum(cued_here, axis=1, dtype=jnp.int32) - 1
    cued = cue[:, None] & cued_here & (rank < rp.track_capacity[:, None])
    looked = (search[:, None] & in_sector) | cued
    slant, elevation, smooth_clear = line_of_sight_geometry(rp.pos_m, kin.pos_m, params.k_factor)
    clear = terrain_clear(rp, kin.pos_m, smooth_clear)
    rcs = rcs_seen_m2(inputs.rcs_m2, rp.band, aspect_index(kin.pos_m, kin.vel_m_s, rp.pos_m))
    airborne = kin.launched & inputs.alive & (altitude_m(kin.pos_m) > 0.0)
    jn = jamming_noise_ratio(params, inputs, kin.pos_m, airborne)
    snr = rp.snr_coeff[:, None] * rcs / jnp.maximum(slant, 1.0) ** 4 / (1.0 + jn)
    radar_idx = jnp.arange(rp.pd_table.shape[0])[:, None]
    pd = lookup_detection_probability(rp.pd_table, radar_idx, inputs.swerling[None, :], snr)
    coverage = (
        clear
        & (slant <= rp.max_range_m[:, None])
        & (elevation >= rp.min_elevation_rad[:, None])
        & (elevation <= rp.max_elevation_rad[:, None])
    )
    draw = jax.random.uniform(key.detection, pd.shape, dtype=pd.dtype)
    detected = looked & airborne[None, :] & coverage & (draw < pd)
    measured, cov, rng = _measurements(rp, kin.pos_m, key.noise)

    # What each fire unit's engagement radar holds (the command post's reaction clock).
    fc = detected & rp.fire_control[:, None]  # [D, J]
    n_units = state.fc_last_seen_s.shape[0]
    unit_radar = rp.unit[None, :] == jnp.arange(n_units)[:, None]  # [U, D]
    fc_unit = jnp.any(unit_radar[:, :, None] & fc[None, :, :], axis=1)  # [U, J]
    first = fc_unit & ~jnp.isfinite(state.fc_first_seen_s)
    new_state = SensingState(
        next_scan_s=next_scan,
        next_track_s=next_track,
        fc_first_seen_s=jnp.where(first, t_s, state.fc_first_seen_s),
        fc_last_seen_s=jnp.where(fc_unit, t_s, state.fc_last_seen_s),
    )
    return new_state, Detections(
        looked=looked,
        detected=detected,
        measured_pos_m=measured,
        measurement_cov_m2=cov,
        range_m=rng,
    )


def _in_sector(rp: RadarParams, pos_m: Array) -> Array:
    """[D, J]: each threat within each radar's search sector (azimuth in the frame's ground
    coordinates)."""
    off = azimuth_off_rad(rp.pos_m[:, None, :], pos_m[None, :, :], rp.boresight_rad[:, None])
    return jnp.abs(off) <= rp.sector_half_width_rad[:, None]


def _measurements(rp: RadarParams, pos_m: Array, key: Array) -> tuple[Array, Array, Array]:
    """Noisy positions [D, J, 3], their covariances [D, J, 3, 3] and true ranges [D, J]."""
    rel = pos_m[None, :, :] - rp.pos_m[:, None, :]
    rng = vec.norm(rel)
    los = rel / jnp.maximum(rng, 1.0)[..., None]
    # Two unit vectors across the line of sight.
    ref = jnp.where(
        jnp.abs(los[..., 2:3]) < 0.9,
        jnp.array([0.0, 0.0, 1.0], los.dtype),
        jnp.array([1.0, 0.0, 0.0], los.dtype),
    )
    p1 = vec.cross(los, ref, jnp)
    p1 = p1 / vec.norm(p1)[..., None]
    p2 = vec.cross(los, p1, jnp)
    noise = jax.random.normal(key, (*rng.shape, 3), dtype=rel.dtype)
    sig_r = rp.range_noise_m[:, None]
    sig_x = rng * rp.angle_noise_rad[:, None]
    measured = (
        pos_m[None]
        + (sig_r * noise[..., 0])[..., None] * los
        + (sig_x * noise[..., 1])[..., None] * p1
        + (sig_x * noise[..., 2])[..., None] * p2
    )
    outer = lambda a: a[..., :, None] * a[..., None, :]  # noqa: E731
    cov = (sig_r**2)[..., None, None] * outer(los) + (sig_x**2)[..., None, None] * (
        outer(p1) + outer(p2)
    )
    return measured, cov, rng
