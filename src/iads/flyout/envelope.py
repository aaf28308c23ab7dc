"""Range–altitude engagement envelopes computed by the physical flyout.

For a missile of the catalog and a target type, :func:`compute_envelope` flies one missile at
every intercept point of a grid of ground ranges and altitudes in one batch
(:func:`iads.flyout.trajectory.fly`):

1. against a target standing at the point, which gives each point's flight time t_f;
2. against the target type flying at its catalog speed, level, along the local horizontal
   at the point (``head-on``: straight at the launcher; ``crossing``: across the line of
   sight), placed so that it reaches the point at t_f.

A point is inside the envelope when the second flight is an intercept (the closest approach
within the end-game range, in time, fast enough and with manoeuvre to spare; see
:mod:`iads.flyout.trajectory`). The maximum range is the farthest intercept point and the
maximum altitude the highest, each at the grid's resolution (its step is reported).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import jax
import jax.numpy as jnp
import numpy as np
from numpy.typing import NDArray

from iads.catalog import Catalog
from iads.catalog.base import Missile
from iads.errors import InputError
from iads.flyout.dynamics import Airframe, Motor
from iads.flyout.trajectory import INTERCEPT, OUTCOMES, Flight, FlightModel, fly
from iads.geo.atmosphere import G0_M_S2
from iads.geo.sphere import EARTH_RADIUS_M, enu_to_xyz

Aspect = Literal["head-on", "crossing"]
ASPECTS: tuple[Aspect, ...] = ("head-on", "crossing")
#: Files ``iads envelope`` writes.
ENVELOPE_FILES = frozenset({"envelope.json", "envelope.csv", "envelope.png"})
#: The grid spans this much beyond the published maximum range and altitude.
GRID_MARGIN = 1.3
#: Lowest altitude of the grid, m (the first row; the others are evenly spaced).
LOWEST_ALTITUDE_M = 100.0


def launch_height_m(cat: Catalog, missile: str) -> float:
    """Height of the first launcher that carries the missile (m)."""
    for launcher in cat.launchers.values():
        if missile in launcher.missiles_per_launcher:
            return launcher.launch_height_m.value
    raise InputError("catalog", "launchers", f"no launcher carries {missile}")


def flight_model(cat: Catalog, key: str) -> FlightModel:
    """The physical flyout model of catalog missile ``key`` (nominal values)."""
    missile = cat.missiles[key]
    fl = missile.flight
    drag = cat.environment.zero_lift_drag
    dtype = jax.dtypes.canonicalize_dtype(jnp.float64)  # float32 unless x64 is on
    f = lambda v: jnp.asarray(v, dtype)  # noqa: E731
    area = math.pi * fl.diameter_m.value**2 / 4.0
    airframe = Airframe(
        reference_area_m2=f(area),
        cd_mach=f(np.asarray(drag.cd0) * fl.drag_scale.value),
        mach=f(drag.mach),
        induced_drag_factor=f(fl.induced_drag_factor.value),
        cl_max=f(fl.cl_max.value),
        max_load_factor_g=f(missile.max_load_factor_g.value),
        lateral_thrust_m_s2=f(0.0),
    )
    phases = fl.motor
    motor = Motor(
        ignition_s=f([p.ignition_s.value for p in phases]),
        burn_time_s=f([p.burn_time_s.value for p in phases]),
        thrust_n=f(
            [
                p.propellant_mass_kg.value * p.isp_s.value * G0_M_S2 / p.burn_time_s.value
                for p in phases
            ]
        ),
        isp_s=f([p.isp_s.value for p in phases]),
    )
    return FlightModel(
        airframe=airframe,
        motor=motor,
        launch_mass_kg=f(fl.launch_mass_kg.value),
        launch_speed_m_s=f(missile.launch_speed_m_s.value),
        launch_elevation_rad=f(math.radians(missile.launch_elevation_deg.value)),
        turnover_time_s=f(fl.turnover_time_s.value),
        turnover_accel_m_s2=f(fl.turnover_accel_m_s2.value),
        divert_accel_m_s2=f(fl.divert_accel_m_s2.value),
        divert_time_to_go_s=f(fl.divert_time_to_go_s.value),
        navigation_constant=f(missile.navigation_constant.value),
        loft_slope=f(fl.loft_slope.value),
        loft_start_m=f(fl.loft_start_m.value),
        loft_ceiling_m=f(fl.loft_ceiling_m.value),
        max_flight_time_s=f(missile.max_flight_time_s.value),
        min_speed_m_s=f(missile.min_speed_m_s.value),
        endgame_range_m=f(missile.kill_mechanism.endgame_range_m.value),
        pass_range_m=f(
            cat.environment.envelope_pass_factor.value
            * missile.kill_mechanism.endgame_range_m.value
        ),
        endgame_min_accel_m_s2=f(fl.endgame_min_load_factor_g.value * G0_M_S2),
        guidance_time_constant_s=f(fl.guidance_time_constant_s.value),
        min_clearance_m=f(fl.min_clearance_m.value),
        dive_time_s=f(fl.dive_time_s.value),
        clearance_response_s=f(fl.clearance_response_s.value),
    )


@dataclass(frozen=True)
class EngagementTable:
    """Where a missile type can intercept, for the command post's launch decisions: a grid of
    ground ranges ``range_step_m · (1..R)`` and altitudes ``altitude_step_m · (0..H-1)`` (the
    first row flown at ``LOWEST_ALTITUDE_M``), each cell inside or not and its flight time,
    against a target standing at the point (the round flies to the predicted intercept point)."""

    inside: NDArray[np.bool_]  # [H, R]
    time_s: NDArray[np.float64]  # [H, R] flight time to the point (the flight's end if outside)
    range_step_m: float
    altitude_step_m: float

    def mean_speed_m_s(self, range_m: float, altitude_m: float) -> float:
        """Ground range over flight time at the cell nearest (range, altitude)."""
        r = int(np.clip(round(range_m / self.range_step_m) - 1, 0, self.inside.shape[1] - 1))
        a = int(np.clip(round(altitude_m / self.altitude_step_m), 0, self.inside.shape[0] - 1))
        return float((r + 1) * self.range_step_m / max(self.time_s[a, r], 1e-9))


_TABLES: dict[tuple[str, ...], EngagementTable] = {}


def _per_lane(fn: Any, *models: FlightModel) -> FlightModel:
    """``fn`` applied leaf by leaf across ``models``, except the shared Mach grid (the first
    model's)."""
    mach = models[0].airframe.mach
    stripped = [replace(m, airframe=replace(m.airframe, mach=None)) for m in models]  # type: ignore[arg-type]
    out = jax.tree_util.tree_map(fn, *stripped)
    return replace(out, airframe=replace(out.airframe, mach=mach))


def _lanes(model: FlightModel, lanes: int, phases: int) -> FlightModel:
    """``model`` (one missile, scalars) repeated over ``lanes``, its motor padded to
    ``phases`` phases (no thrust)."""
    m = model.motor
    pad = phases - m.thrust_n.shape[-1]

    def padded(x: Any, fill: float) -> Any:
        return jnp.concatenate([x, jnp.full((pad,), fill, x.dtype)])

    motor = Motor(
        ignition_s=padded(m.ignition_s, 0.0),
        burn_time_s=padded(m.burn_time_s, 1.0),
        thrust_n=padded(m.thrust_n, 0.0),
        isp_s=padded(m.isp_s, 1.0),
    )
    return _per_lane(
        lambda x: jnp.broadcast_to(x, (lanes, *jnp.shape(x))), replace(model, motor=motor)
    )


def flight_models(cat: Catalog, keys: list[str], slots: int, dtype: Any) -> FlightModel:
    """The flight models of catalog missiles ``keys`` stacked on a leading axis of ``slots``
    missile types (the padded slots repeat the last type; they fire nothing), motors padded
    to the same number of phases, in ``dtype``."""
    # a scenario with no missiles still needs one (unused) slot of arrays
    models = [flight_model(cat, k) for k in (keys or [next(iter(cat.missiles))])]
    phases = max(m.motor.thrust_n.shape[-1] for m in models)
    rows = [_lanes(m, 1, phases) for m in models]
    rows += [rows[-1]] * (slots - len(rows))
    batch = _concatenate(rows)
    return jax.tree_util.tree_map(lambda a: jnp.asarray(a, dtype), batch)


def _fly_at(
    model: FlightModel,
    launch: NDArray[np.float64],
    target: NDArray[np.float64],
    velocity: NDArray[np.float64] | None,
    dt_s: float,
) -> Flight:
    """:func:`iads.flyout.trajectory.fly` from NumPy positions, in the model's float type;
    ``velocity`` None: the targets stand still."""
    dtype = model.launch_mass_kg.dtype
    vel = np.zeros(target.shape) if velocity is None else velocity
    return fly(
        model, jnp.asarray(launch, dtype), jnp.asarray(target, dtype), jnp.asarray(vel, dtype), dt_s
    )


def _concatenate(models: list[FlightModel]) -> FlightModel:
    """Lane-wise models (from :func:`_lanes`) as one batch; the Mach grid is shared."""
    return _per_lane(lambda *xs: jnp.concatenate(xs, axis=0), *models)


def engagement_tables(
    cat: Catalog, keys: list[str], n_range: int = 40, n_altitude: int = 20, dt_s: float = 0.25
) -> list[EngagementTable]:
    """The :class:`EngagementTable` of each catalog missile in ``keys``, flown in one batch
    (computed once per process for the same catalog values)."""
    missiles = [cat.missiles[k] for k in keys]
    env = cat.environment.model_dump_json()  # the drag table and the envelope's pass factor
    cache = [
        (k, m.model_dump_json(), env, str(n_range), str(n_altitude), str(dt_s))
        for k, m in zip(keys, missiles, strict=True)
    ]
    todo = sorted({i for i, c in enumerate(cache) if c not in _TABLES}, key=keys.__getitem__)
    if todo:
        # in float64 whatever the run's precision, so every run plans with the same table
        with jax.enable_x64(True):
            _fill_tables(cat, keys, missiles, cache, todo, n_range, n_altitude, dt_s)
    return [_TABLES[c] for c in cache]


def _fill_tables(
    cat: Catalog,
    keys: list[str],
    missiles: list[Missile],
    cache: Sequence[tuple[str, ...]],
    todo: list[int],
    n_range: int,
    n_altitude: int,
    dt_s: float,
) -> None:
    """Fly the missiles ``todo`` (indices into ``keys``) in one batch into ``_TABLES``."""
    models = [flight_model(cat, keys[i]) for i in todo]
    phases = max(m.motor.thrust_n.shape[-1] for m in models)
    points, starts, lanes = [], [], []
    for i, model in zip(todo, models, strict=True):
        ranges, altitudes, _, point = _grid_points(missiles[i], n_range, n_altitude)
        points.append(point)
        starts.append((ranges, altitudes))
        lanes.append(_lanes(model, point.shape[1], phases))
    batch = _concatenate(lanes)
    launch = np.concatenate(
        [
            np.repeat(_launch_point(cat, keys[i])[:, None], p.shape[1], axis=1)
            for i, p in zip(todo, points, strict=True)
        ],
        axis=1,
    )
    flight = _fly_at(batch, launch, np.concatenate(points, axis=1), None, dt_s)
    outcome = np.asarray(flight.outcome)
    time_s = np.asarray(flight.time_s, np.float64)
    at = 0
    for i, (ranges, altitudes) in zip(todo, starts, strict=True):
        shape = (altitudes.size, ranges.size)
        n = altitudes.size * ranges.size
        _TABLES[cache[i]] = EngagementTable(
            inside=(outcome[at : at + n] == INTERCEPT).reshape(shape),
            time_s=time_s[at : at + n].reshape(shape),
            range_step_m=float(ranges[1] - ranges[0]),
            altitude_step_m=float(altitudes[-1] - altitudes[-2]),
        )
        at += n


@dataclass(frozen=True)
class Envelope:
    """A computed range–altitude envelope and the published figures beside it."""

    missile: str
    target: str
    aspect: Aspect
    target_speed_m_s: float
    ranges_m: NDArray[np.float64]  # [R] intercept-point ground ranges
    altitudes_m: NDArray[np.float64]  # [H] intercept-point altitudes
    outcome: NDArray[np.int32]  # [H, R] OUTCOMES index of the flight at each point
    time_s: NDArray[np.float64]  # [H, R] flight time to the end of the flight
    speed_m_s: NDArray[np.float64]  # [H, R] missile speed there
    available_g: NDArray[np.float64]  # [H, R] lateral acceleration available there, g
    max_speed_m_s: float  # fastest the missile flew at any point of the grid
    published_max_speed_m_s: float
    published_max_range_m: float
    published_max_altitude_m: float
    notes: tuple[str, ...] = field(default=())

    @property
    def inside(self) -> NDArray[np.bool_]:
        return self.outcome == INTERCEPT

    @property
    def max_range_m(self) -> float:
        hit = self.inside.any(axis=0)
        return float(self.ranges_m[hit].max()) if hit.any() else 0.0

    @property
    def max_altitude_m(self) -> float:
        hit = self.inside.any(axis=1)
        return float(self.altitudes_m[hit].max()) if hit.any() else 0.0

    @property
    def range_step_m(self) -> float:
        return float(self.ranges_m[1] - self.ranges_m[0])

    @property
    def altitude_step_m(self) -> float:
        return float(self.altitudes_m[-1] - self.altitudes_m[-2])

    def summary(self) -> dict[str, Any]:
        """What envelope.json holds."""
        return {
            "missile": self.missile,
            "target": self.target,
            "aspect": self.aspect,
            "target_speed_m_s": self.target_speed_m_s,
            "max_range_m": self.max_range_m,
            "max_altitude_m": self.max_altitude_m,
            "published_max_range_m": self.published_max_range_m,
            "published_max_altitude_m": self.published_max_altitude_m,
            "range_ratio": self.max_range_m / self.published_max_range_m,
            "altitude_ratio": self.max_altitude_m / self.published_max_altitude_m,
            "max_speed_m_s": self.max_speed_m_s,
            "published_max_speed_m_s": self.published_max_speed_m_s,
            "grid": {
                "range_step_m": self.range_step_m,
                "altitude_step_m": self.altitude_step_m,
                "ranges": len(self.ranges_m),
                "altitudes": len(self.altitudes_m),
            },
            "notes": list(self.notes),
        }


def grid(
    max_range_m: float, max_altitude_m: float, n_range: int, n_altitude: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Intercept-point ranges (from one step out) and altitudes (the first at
    ``LOWEST_ALTITUDE_M``) spanning ``GRID_MARGIN`` times the published figures."""
    ranges = np.linspace(0.0, GRID_MARGIN * max_range_m, n_range + 1)[1:]
    top = GRID_MARGIN * max_altitude_m
    altitudes = np.concatenate([[LOWEST_ALTITUDE_M], np.linspace(0.0, top, n_altitude)[1:]])
    return ranges, altitudes


def _grid_points(
    missile: Missile, n_range: int, n_altitude: int
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """The :func:`grid` of ``missile`` and its points, east of the launcher, row by row:
    (ranges [R], altitudes [H], each point's ground range [H·R], positions [3, H·R])."""
    ranges, altitudes = grid(
        missile.max_range_m.value, missile.max_target_altitude_m.value, n_range, n_altitude
    )
    rr, hh = np.meshgrid(ranges, altitudes)
    e, h = rr.ravel(), hh.ravel()
    return ranges, altitudes, e, enu_to_xyz(e, np.zeros_like(e), h, xp=np).T


def _launch_point(cat: Catalog, missile: str) -> NDArray[np.float64]:
    """Frame position [3] of the missile's launcher at the frame's origin."""
    return np.asarray(enu_to_xyz(0.0, 0.0, launch_height_m(cat, missile), xp=np))


def compute_envelope(
    cat: Catalog,
    missile: str,
    target: str,
    aspect: Aspect = "head-on",
    n_range: int = 60,
    n_altitude: int = 40,
    dt_s: float = 0.1,
    model: FlightModel | None = None,
) -> Envelope:
    """The envelope of ``missile`` against threat type ``target`` (module doc); both are
    catalog keys (matched as :func:`iads.catalog.listing.resolve_entry` does)."""
    from iads.catalog.listing import resolve_entry

    if aspect not in ASPECTS:
        raise InputError("--aspect", None, f"must be one of {', '.join(ASPECTS)}; got {aspect!r}")
    missile, _ = resolve_entry(cat, "missiles", missile)
    target, _ = resolve_entry(cat, "threats", target)
    spec = cat.missiles[missile]
    model = flight_model(cat, missile) if model is None else model
    speed = cat.threats[target].speed_m_s.value
    ranges, altitudes, e, point = _grid_points(spec, n_range, n_altitude)
    launch = _launch_point(cat, missile)
    still = _fly_at(model, launch, point, None, dt_s)
    t_f = np.asarray(still.time_s, np.float64)
    t_f = np.where(np.isfinite(t_f), t_f, float(np.asarray(model.max_flight_time_s)))
    # the local horizontal at the point: away from the launcher (east) and across (north)
    theta = e / EARTH_RADIUS_M
    away = np.stack([np.cos(theta), np.zeros_like(e), -np.sin(theta)])
    across = np.stack([np.zeros_like(e), np.ones_like(e), np.zeros_like(e)])
    vel = -speed * away if aspect == "head-on" else speed * across
    start = point - vel * t_f
    moving = _fly_at(model, launch, start, vel, dt_s)
    return _envelope(spec, missile, target, aspect, speed, ranges, altitudes, moving)


def _envelope(
    spec: Missile,
    missile: str,
    target: str,
    aspect: Aspect,
    speed: float,
    ranges: NDArray[np.float64],
    altitudes: NDArray[np.float64],
    flight: Flight,
) -> Envelope:
    shape = (altitudes.size, ranges.size)
    grab = lambda a: np.asarray(a, np.float64).reshape(shape)  # noqa: E731
    return Envelope(
        missile=missile,
        target=target,
        aspect=aspect,
        target_speed_m_s=speed,
        ranges_m=ranges,
        altitudes_m=altitudes,
        outcome=np.asarray(flight.outcome, np.int32).reshape(shape),
        time_s=grab(flight.time_s),
        speed_m_s=grab(flight.speed_m_s),
        available_g=grab(flight.available_m_s2) / G0_M_S2,
        max_speed_m_s=float(np.max(np.asarray(flight.max_speed_m_s))),
        published_max_speed_m_s=spec.max_speed_m_s.value,
        published_max_range_m=spec.max_range_m.value,
        published_max_altitude_m=spec.max_target_altitude_m.value,
        notes=(
            "computed by the 3-DoF point-mass flyout (ISA atmosphere, round Earth, PN "
            "guidance on the true target) from the catalog's flight data; drag_scale and "
            "cl_max are modelling values calibrated to the published maximum range and "
            "altitude",
            f"grid steps: {ranges[1] - ranges[0]:.0f} m in range, "
            f"{altitudes[-1] - altitudes[-2]:.0f} m in altitude",
        ),
    )


def write_envelope(env: Envelope, out_dir: str | Path) -> None:
    """envelope.json, envelope.csv and envelope.png into ``out_dir``, atomically."""
    from iads.results.output import write_directory

    def write(tmp: Path) -> None:
        (tmp / "envelope.json").write_text(
            json.dumps(env.summary(), indent=2, allow_nan=False) + "\n", encoding="utf-8"
        )
        _write_csv(env, tmp / "envelope.csv")
        _plot(env, tmp / "envelope.png")

    write_directory(out_dir, write, lambda name: name in ENVELOPE_FILES)


def _write_csv(env: Envelope, path: Path) -> None:
    lines = ["range_m,altitude_m,outcome,inside,time_s,speed_m_s,available_g"]
    for a, alt in enumerate(env.altitudes_m):
        for r, rng in enumerate(env.ranges_m):
            t = env.time_s[a, r]
            lines.append(
                f"{rng:.1f},{alt:.1f},{OUTCOMES[int(env.outcome[a, r])]},"
                f"{int(env.inside[a, r])},{t:.2f},{env.speed_m_s[a, r]:.1f},"
                f"{env.available_g[a, r]:.2f}"
            )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _plot(env: Envelope, path: Path) -> None:
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 4.8), dpi=110)
    ax = fig.add_subplot()
    km = 1e-3
    r_edges = np.concatenate([[0.0], env.ranges_m]) * km
    a = env.altitudes_m
    a_edges = np.concatenate([[0.0], 0.5 * (a[1:] + a[:-1]), [a[-1] + 0.5 * (a[-1] - a[-2])]])
    ax.pcolormesh(
        r_edges,
        a_edges * km,
        env.inside.astype(float),
        cmap=ListedColormap(["#f2f2f2", "#4c8fd6"]),
        vmin=0.0,
        vmax=1.0,
        shading="flat",
    )
    ax.axvline(env.published_max_range_m * km, color="#c0392b", ls="--", lw=1.2)
    ax.axhline(env.published_max_altitude_m * km, color="#c0392b", ls=":", lw=1.2)
    ax.plot([], [], color="#4c8fd6", lw=6, label="computed envelope (intercept)")
    ax.plot([], [], color="#c0392b", ls="--", label="published maximum range")
    ax.plot([], [], color="#c0392b", ls=":", label="published maximum target altitude")
    ax.set_xlabel("ground range of the intercept point (km)")
    ax.set_ylabel("altitude of the intercept point (km)")
    ax.set_title(
        f"{env.missile} against {env.target} ({env.aspect}, {env.target_speed_m_s:.0f} m/s): "
        f"{env.max_range_m * km:.0f} km, {env.max_altitude_m * km:.1f} km"
    )
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
