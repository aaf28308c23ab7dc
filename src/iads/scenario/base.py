"""Scenario file schema (YAML, safe-loaded, validated once here).

Angles in degrees and lengths in metres at this edge; everything is SI after compilation.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SCHEMA_VERSION = 1


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Position(_Strict):
    """A position on WGS84 with ``alt_m``, a height in metres above the ground.

    The ground is the terrain when the scenario names a DEM (``terrain``) and the sea-level
    Earth otherwise; either way ``alt_m`` is above the ground, not above sea level.
    """

    lat_deg: float = Field(ge=-90.0, le=90.0)
    lon_deg: float = Field(ge=-180.0, le=180.0)
    alt_m: float = Field(default=0.0, ge=0.0, le=100_000.0)


class Waypoint(Position):
    """A route point; ``alt_m`` is height above the ground (never below it). Left out: the
    threat type's catalog ``cruise_altitude_m`` (a ballistic missile's launch point: 0)."""

    alt_m: float | None = Field(default=None, ge=0.0, le=200_000.0)  # type: ignore[assignment]


class Asset(Position):
    """A defended asset: what the raid targets and what leakers are counted against."""

    name: str = Field(min_length=1)
    value: float = Field(default=1.0, gt=0.0)


class LauncherSite(_Strict):
    """Where one launcher stands (``alt_m`` above the ground, as for every position)."""

    lat_deg: float = Field(ge=-90.0, le=90.0)
    lon_deg: float = Field(ge=-180.0, le=180.0)
    alt_m: float = Field(default=0.0, ge=0.0, le=10_000.0)


class LauncherGroup(_Strict):
    """Launchers of one type at a battery.

    Each is loaded with ``missiles_per_launcher`` rounds of ``missile`` (default: the
    catalog's load of that missile) or with a published mixed ``load`` of the launcher type
    (catalog ``mixed_loads``). They stand at the battery site, or at their own ``sites`` (one
    per launcher), or evenly spaced on a circle of ``ring_m`` around the site (the first due
    north); either way within the system's ``launcher_max_distance_m``. ``reloads``: how many
    times each launcher can be reloaded once empty (after its type's ``reload_time_s``).
    """

    type: str
    count: int = Field(ge=0, le=64, strict=True)
    missile: str | None = None
    missiles_per_launcher: int | None = Field(default=None, ge=0, le=64, strict=True)
    load: str | None = Field(default=None, min_length=1)
    sites: list[LauncherSite] | None = None
    ring_m: float | None = Field(default=None, gt=0.0, le=100_000.0)
    reloads: int = Field(default=0, ge=0, le=100, strict=True)

    @model_validator(mode="after")
    def _one_load_one_placement(self) -> LauncherGroup:
        if (self.missile is None) == (self.load is None):
            raise ValueError("give either missile or load")
        if self.load is not None and self.missiles_per_launcher is not None:
            raise ValueError("a mixed load fixes its rounds: no missiles_per_launcher")
        if self.sites is not None and self.ring_m is not None:
            raise ValueError("give either sites or ring_m")
        if self.sites is not None and len(self.sites) != self.count:
            raise ValueError(f"{len(self.sites)} sites for {self.count} launchers")
        return self


class Doctrine(_Strict):
    """How a battery fires.

    ``shoot-look-shoot``: fire a salvo, wait for its outcome, re-engage a survivor.
    ``shoot-shoot``: a second salvo may be fired at a threat before the first one's outcome.
    ``engagement_range_fraction``: engage only when the predicted intercept point lies within
    this fraction of the missile's maximum range.
    ``assignment``: ``greedy`` fires at the best target in reach now (marginal return);
    ``wta`` fires only what the command post's whole-raid assignment plan gives the battery
    (``iads.wta``'s heuristic, every step), keeping rounds for threats not yet in range.
    """

    salvo_size: int = Field(default=2, ge=1, le=8, strict=True)
    policy: Literal["shoot-look-shoot", "shoot-shoot"] = "shoot-look-shoot"
    engagement_range_fraction: float = Field(default=0.9, gt=0.0, le=1.0)
    assignment: Literal["greedy", "wta"] = "greedy"


class MastPlacement(_Strict):
    """A mast (catalog ``masts``) carrying one of the battery's radars."""

    type: str
    radar: str


class Battery(Position):
    """A fire unit (for the S-400, a battalion): radars, launchers and doctrine at one site.

    ``threat_axis_deg`` (degrees clockwise from north) is where the battery's sector radars
    look; it is required when the system has one. ``radars`` adds optional radars of the
    system (catalog ``optional_radars``); ``mast`` raises one radar's antenna.
    """

    name: str = Field(min_length=1)
    system: str
    threat_axis_deg: float | None = Field(default=None, ge=0.0, lt=360.0)
    #: Batteries with the same label share one command post (its echelon's capacities apply
    #: to them together); None: one command post for all unlabelled batteries of the system.
    command_post: str | None = Field(default=None, min_length=1)
    radars: list[str] = Field(default_factory=list)
    mast: MastPlacement | None = None
    launchers: list[LauncherGroup] = Field(min_length=1)
    doctrine: Doctrine = Field(default_factory=Doctrine)


class RaidGroup(_Strict):
    """Threats of one type that fly the same route, launched ``spacing_s`` apart.

    ``route`` starts at the launch point; the target's position is the last point. The target
    is a defended asset (``target``) or, for an anti-radiation missile (catalog ``homes_on:
    emitter``) and only for one, a radar (``target_radar``: ``"battery/radar"``, the radar's
    catalog key), whose antenna it dives to. A ballistic missile's route is its launch point
    only: it flies a ballistic arc to the target. ``react``: the threats manoeuvre as their
    type's catalog ``evasion`` says (false: they fly their route whatever comes at them).
    """

    name: str = Field(min_length=1)
    threat: str
    count: int = Field(ge=1, le=10_000, strict=True)
    launch_time_s: float = Field(default=0.0, ge=0.0)
    spacing_s: float = Field(default=0.0, ge=0.0)
    target: str | None = None
    target_radar: str | None = Field(default=None, min_length=1)
    route: list[Waypoint] = Field(min_length=1)
    speed_m_s: float | None = Field(default=None, gt=0.0, le=10_000.0)
    react: bool = True

    @model_validator(mode="after")
    def _one_target(self) -> RaidGroup:
        if (self.target is None) == (self.target_radar is None):
            raise ValueError('give either target (an asset) or target_radar ("battery/radar")')
        return self


class Terrain(_Strict):
    """The DEM that masks the radars' line of sight.

    ``dem`` is ``etopo5`` (the packaged global 5' grid) or a DEM file (GeoTIFF, SRTM ``.hgt``,
    any CRS), relative to the scenario file. ``cell_m`` is the spacing of the engine's masking
    grid (default: the DEM's own, coarsened to at most ``MAX_TERRAIN_CELLS`` across).
    """

    dem: str = Field(min_length=1)
    cell_m: float | None = Field(default=None, gt=0.0, le=100_000.0)


class Jammer(_Strict):
    """A noise jammer: carried by every threat of a raid group (self-screening) or standing off.

    Power and antenna gain are towards the radars; ``bandwidth_hz`` is the band it spreads its
    power over (barrage), ``losses_db`` its own losses. A ``stand-off`` jammer holds ``site``; a
    ``self-screening`` one rides on each threat of ``raid_group``.
    """

    name: str = Field(min_length=1)
    kind: Literal["self-screening", "stand-off"]
    power_w: float = Field(gt=0.0, le=1e7)
    antenna_gain_db: float = Field(ge=-30.0, le=60.0)
    bandwidth_hz: float = Field(gt=0.0, le=1e11)
    losses_db: float = Field(default=0.0, ge=0.0, le=60.0)
    raid_group: str | None = None
    site: Position | None = None

    @model_validator(mode="after")
    def _placed(self) -> Jammer:
        if self.kind == "stand-off" and (self.site is None or self.raid_group is not None):
            raise ValueError("a stand-off jammer needs a site (and no raid_group)")
        if self.kind == "self-screening" and (self.raid_group is None or self.site is not None):
            raise ValueError("a self-screening jammer needs a raid_group (and no site)")
        return self


class Origin(_Strict):
    """Origin of the local frame (a notional point near the defended area)."""

    lat_deg: float = Field(ge=-89.0, le=89.0)
    lon_deg: float = Field(ge=-180.0, le=180.0)


class ScenarioFile(_Strict):
    """A whole scenario file."""

    schema_version: Literal[1]
    name: str = Field(min_length=1)
    description: str = ""
    origin: Origin
    duration_s: float = Field(gt=0.0, le=86_400.0)
    time_step_s: float = Field(default=1.0, gt=0.0, le=60.0)
    seed: int = Field(default=0, ge=0, lt=2**31, strict=True)
    replications: int = Field(default=100, ge=1, strict=True)
    dtype: Literal["float32", "float64"] = "float32"
    #: Effective-Earth factor of radar propagation; None: the catalog's environment (4/3).
    k_factor: float | None = Field(default=None, gt=0.5, le=10.0)
    assets: list[Asset] = Field(min_length=1)
    batteries: list[Battery] = Field(default_factory=list)
    raid: list[RaidGroup] = Field(min_length=1)
    terrain: Terrain | None = None
    jammers: list[Jammer] = Field(default_factory=list)

    @model_validator(mode="after")
    def _steps(self) -> ScenarioFile:
        if self.duration_s / self.time_step_s > 200_000:
            raise ValueError("duration_s / time_step_s exceeds 200000 steps")
        return self
