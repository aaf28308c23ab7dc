"""Catalog schema: every public figure with its unit, source, basis and published range.

The catalog lives in ``src/iads/catalog/*.yaml``. Each numeric figure is a :class:`Figure`:

.. code-block:: yaml

    max_range_m:
      value: 250000
      low: 200000          # optional: where sources disagree
      high: 250000
      basis: published     # published | attributed | modelling
      source: "Russian MoD via People's Daily (french.peopledaily.com.cn/...)"
      note: "48N6E3 against aircraft"

``basis`` says how far a figure can be trusted: ``published`` (read in the cited page),
``attributed`` (attributed to a named public source, not re-checked) and ``modelling`` (no
public figure: a documented modelling value; ``source`` then says how it was chosen). The unit
is in the field name (``_m``, ``_s``, ``_m_s``, ``_w``, ``_hz``, ``_db``, ``_m2``, ``_k``,
``_g``, ``_deg``, ``_usd``: US dollars of the year the source gives, not adjusted for inflation).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Basis = Literal["published", "attributed", "modelling"]
ThreatCategory = Literal["aircraft", "cruise_missile", "ballistic_missile", "drone"]
THREAT_CATEGORIES: tuple[ThreatCategory, ...] = (
    "aircraft",
    "cruise_missile",
    "ballistic_missile",
    "drone",
)
Band = Literal["VHF", "UHF", "L", "S", "C", "X", "Ku", "K", "Ka"]
#: Radar bands in index order (IEEE 521 letter bands); a radar's band follows from its frequency
#: (see ``band_of``).
BANDS: tuple[Band, ...] = ("VHF", "UHF", "L", "S", "C", "X", "Ku", "K", "Ka")
#: Upper edge (Hz) of each band but the last (IEEE 521): VHF below 300 MHz, UHF to 1 GHz, ...
_BAND_EDGES_HZ = (300e6, 1e9, 2e9, 4e9, 8e9, 12e9, 18e9, 27e9)
Aspect = Literal["nose", "side", "tail"]
#: Aspect sectors: nose within 45 deg of the threat's heading, tail within 45 deg of its back.
ASPECTS: tuple[Aspect, ...] = ("nose", "side", "tail")


def band_of(frequency_hz: float) -> Band:
    """Band of a carrier frequency (IEEE 521 letter bands): below 300 MHz VHF, to 1 GHz UHF,
    1-2 GHz L, 2-4 S, 4-8 C, 8-12 X, 12-18 Ku, 18-27 K, 27 GHz and above Ka."""
    for edge, band in zip(_BAND_EDGES_HZ, BANDS, strict=False):
        if frequency_hz < edge:
            return band
    return "Ka"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Figure(_Strict):
    """One figure: nominal value, optional published range, its basis and source."""

    value: float
    low: float | None = None
    high: float | None = None
    basis: Basis
    source: str = Field(min_length=3)
    note: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Figure:
        low = self.value if self.low is None else self.low
        high = self.value if self.high is None else self.high
        if not low <= self.value <= high:
            raise ValueError(f"need low <= value <= high, got {low} <= {self.value} <= {high}")
        return self

    def sample_bounds(self) -> tuple[float, float]:
        """(low, high), each falling back to the nominal value."""
        return (
            self.value if self.low is None else self.low,
            self.value if self.high is None else self.high,
        )


Echelon = Literal["radar", "fire_unit", "system"]


class Capacity(Figure):
    """A capacity figure (targets tracked, targets engaged, missiles guided) and the echelon it
    counts at: one ``radar``, one ``fire_unit`` (battery / battalion) or a whole ``system``
    under one command post. Public figures often leave the echelon unstated; ``note`` then
    says which reading was taken."""

    echelon: Echelon


class Text(_Strict):
    """A non-numeric catalog fact (designation, band, guidance) with its source."""

    value: str
    basis: Basis
    source: str = Field(min_length=3)


class Calibration(_Strict):
    """A published detection range that the modelling radar parameters reproduce.

    With the radar equation, Swerling-1 fluctuation and the radar's ``false_alarm_probability``,
    a target of ``rcs_m2`` at ``range_m`` is detected in one look with probability
    ``detection_probability``. ``tests/catalog`` checks this.
    """

    rcs_m2: Figure
    range_m: Figure
    detection_probability: float = Field(gt=0.0, lt=1.0)


RadarRole = Literal["surveillance", "low-altitude", "fire-control", "multifunction"]
#: Roles whose radar guides missiles and holds the fire unit's channels.
FIRE_CONTROL_ROLES: tuple[RadarRole, ...] = ("fire-control", "multifunction")


class Radar(_Strict):
    """A radar. Power-aperture figures are modelling values chosen to meet :class:`Calibration`.

    ``scan``: a ``rotating`` radar looks all round once per ``scan_period_s``; a ``sector``
    radar stares at a sector ``sector_width_deg`` wide around the battery's threat axis and
    searches it in a frame of (beams x ``search_dwell_s``), the beams being the sector's solid
    angle (width x elevation limits) over the beam's (half-power beamwidth squared, from the
    gain). A radar with ``track_revisit_s`` is also cued by the command post's tracks: it looks
    at up to ``targets_tracked`` tracked threats in its sector every ``track_revisit_s``.
    A fire-control radar holds a threat while it has detected it within ``track_coast_s``: a
    unit fires only at a threat its radar holds, and a command, track-via-missile or
    semi-active round homes only while it is held.
    """

    name: str
    role: RadarRole
    band: Text
    frequency_hz: Figure
    peak_power_w: Figure
    pulse_width_s: Figure
    pulses_integrated: Figure
    antenna_gain_db: Figure
    system_noise_temperature_k: Figure
    losses_db: Figure
    false_alarm_probability: Figure
    scan: Literal["rotating", "sector"]
    scan_period_s: Figure | None = None
    sector_width_deg: Figure | None = None
    search_dwell_s: Figure | None = None
    track_revisit_s: Figure | None = None
    track_coast_s: Figure | None = None
    instrumented_range_m: Figure
    min_elevation_deg: Figure
    max_elevation_deg: Figure
    antenna_height_m: Figure
    range_noise_m: Figure
    angle_noise_deg: Figure
    sidelobe_level_db: Figure
    targets_tracked: Capacity | None = None
    target_channels: Capacity | None = None
    missile_channels: Capacity | None = None
    calibration: Calibration

    @model_validator(mode="after")
    def _scan_figures(self) -> Radar:
        need = (
            ("scan_period_s",)
            if self.scan == "rotating"
            else ("sector_width_deg", "search_dwell_s")
        )
        missing = [f for f in need if getattr(self, f) is None]
        if missing:
            raise ValueError(f"a {self.scan} radar needs {', '.join(missing)}")
        if self.track_revisit_s is not None and self.targets_tracked is None:
            raise ValueError("a radar with track_revisit_s needs targets_tracked")
        if self.role in FIRE_CONTROL_ROLES and self.track_coast_s is None:
            raise ValueError(f"a {self.role} radar needs track_coast_s")
        return self


GuidanceType = Literal["command", "track-via-missile", "semi-active", "active"]


class Guidance(_Strict):
    """How a missile is guided, which decides how long it holds a fire-control channel.

    ``command``, ``track-via-missile`` and ``semi-active`` missiles need the fire-control
    radar until the end of their flight. An ``active`` missile's own seeker (``seeker_band``)
    locks on when the target is within its acquisition range, ``seeker_acquisition_range_m``
    against a target of ``seeker_reference_rcs_m2`` (scaled by the fourth root of the target's
    RCS in the seeker's band, the radar equation), and frees its channel then.

    While it homes, the round steers on its homing sensor's view of the target (its own seeker;
    a track-via-missile or semi-active round's seeker as relayed; a command round's engagement
    radar), which is off the target by a noise of ``homing_angle_noise_rad`` x R +
    ``homing_noise_floor_m`` (1 sigma per axis across the line of sight, R the missile's range
    to the target): angle noise that shrinks as the round closes, and a floor (glint, the
    target's apparent centre wandering over its extent). The noise is drawn afresh each engine
    step and followed through the guidance lag, so the miss distance grows with it.
    """

    type: GuidanceType
    description: Text
    homing_angle_noise_rad: Figure
    homing_noise_floor_m: Figure
    seeker_band: Band | None = None
    seeker_acquisition_range_m: Figure | None = None
    seeker_reference_rcs_m2: Figure | None = None

    @model_validator(mode="after")
    def _active_has_a_seeker(self) -> Guidance:
        seeker = (self.seeker_band, self.seeker_acquisition_range_m, self.seeker_reference_rcs_m2)
        if self.type == "active" and any(x is None for x in seeker):
            raise ValueError(
                "an active missile needs seeker_band, seeker_acquisition_range_m and "
                "seeker_reference_rcs_m2"
            )
        if self.type != "active" and any(x is not None for x in seeker):
            raise ValueError(f"a {self.type} missile has no seeker of its own")
        _require_non_negative(self, "homing_angle_noise_rad", "homing_noise_floor_m")
        return self


def _require_positive(model: BaseModel, *names: str) -> None:
    """ValueError naming the first of the ``names`` (figures) whose low end is not above 0."""
    for name in names:
        if getattr(model, name).sample_bounds()[0] <= 0.0:
            raise ValueError(f"{name} must be positive")


def _require_non_negative(model: BaseModel, *names: str) -> None:
    """ValueError naming the first of the ``names`` (figures) whose low end is below 0."""
    for name in names:
        if getattr(model, name).sample_bounds()[0] < 0.0:
            raise ValueError(f"{name} must not be negative")


KillMechanismType = Literal["blast-fragmentation", "hit-to-kill"]


class KillMechanism(_Strict):
    """How a round kills, as a function of its miss distance.

    The flyout finds each round's closest approach to its target; a flight whose closest
    approach is within ``endgame_range_m`` ends there (the proximity fuze's range for a
    blast-fragmentation round; for a hit-to-kill round the distance within which its end game
    is its one attempt). The end-game miss distance is that closest approach plus a circular
    Gaussian ``terminal_miss_m`` (1 sigma per axis of the miss plane: the seeker, fuze and
    guidance error the point-mass flyout does not resolve), so it is Rice distributed. A round
    with end-game miss d kills with the missile's ``kill_probability`` for the threat's
    category times a damage function of d:

    - ``blast-fragmentation``: the Carleton damage function exp(-d^2 / ``lethal_radius_m``^2),
      whose lethal area equals a cookie-cutter disc of ``lethal_radius_m``;
    - ``hit-to-kill``: 1 when d is within ``hit_radius_m`` (the body, with any lethality
      enhancer, strikes the target), else 0.
    """

    type: KillMechanismType
    description: Text
    endgame_range_m: Figure
    terminal_miss_m: Figure
    lethal_radius_m: Figure | None = None
    hit_radius_m: Figure | None = None

    @model_validator(mode="after")
    def _radius_of_its_type(self) -> KillMechanism:
        need, other = (
            ("lethal_radius_m", "hit_radius_m")
            if self.type == "blast-fragmentation"
            else ("hit_radius_m", "lethal_radius_m")
        )
        if getattr(self, need) is None:
            raise ValueError(f"a {self.type} mechanism needs {need}")
        if getattr(self, other) is not None:
            raise ValueError(f"a {self.type} mechanism has no {other}")
        _require_positive(self, "endgame_range_m", need)
        _require_non_negative(self, "terminal_miss_m")
        return self


class MotorPhase(_Strict):
    """One burn of a missile's motor (a boost, a sustain, a second pulse): it lights
    ``ignition_s`` after launch and burns ``propellant_mass_kg`` evenly over ``burn_time_s``
    at specific impulse ``isp_s``, so its thrust is propellant · isp · g0 / burn time."""

    ignition_s: Figure
    burn_time_s: Figure
    propellant_mass_kg: Figure
    isp_s: Figure

    @model_validator(mode="after")
    def _positive(self) -> MotorPhase:
        _require_positive(self, "burn_time_s", "propellant_mass_kg", "isp_s")
        _require_non_negative(self, "ignition_s")
        return self


class Flight(_Strict):
    """What the physical flyout (:mod:`iads.flyout.trajectory`) flies: mass, motor, airframe,
    the turnover after a vertical launch and the midcourse loft.

    Zero-lift drag is the environment's ``zero_lift_drag`` table times ``drag_scale`` on the
    body's cross-section (``diameter_m``); lift up to ``cl_max`` on the same area, with induced
    drag ``induced_drag_factor`` · CL². The turnover system tips the round from the vertical
    towards its aim point for ``turnover_time_s`` with ``turnover_accel_m_s2`` of lateral
    acceleration; end-game lateral thrusters (``divert_accel_m_s2``, 0 for none) fire while the
    time to go is below ``divert_time_to_go_s``. Midcourse, the round aims
    ``loft_slope`` · (ground distance − ``loft_start_m``) above its target, both measured at
    the predicted intercept point (so the loft fades as the round closes on it, whether the
    target flies level or dives), at most up to ``loft_ceiling_m``. The airframe follows its
    guidance command (limited to the structural load factor) with a first-order lag of
    ``guidance_time_constant_s`` (the seeker, filter and autopilot together), so a
    manoeuvring target is followed late and a miss distance emerges.
    An intercept needs ``endgame_min_load_factor_g`` still available at the closest approach.
    Non-public figures are modelling values; ``drag_scale`` and ``cl_max`` are calibrated so
    that the computed envelope reproduces the published maximum range and target altitude
    (``python scripts/calibrate_flyout.py``).
    """

    launch_mass_kg: Figure
    diameter_m: Figure
    motor: list[MotorPhase] = Field(min_length=1, max_length=3)
    drag_scale: Figure
    cl_max: Figure
    induced_drag_factor: Figure
    turnover_time_s: Figure
    turnover_accel_m_s2: Figure
    divert_accel_m_s2: Figure
    divert_time_to_go_s: Figure
    loft_slope: Figure
    loft_start_m: Figure
    loft_ceiling_m: Figure
    endgame_min_load_factor_g: Figure
    guidance_time_constant_s: Figure

    @model_validator(mode="after")
    def _physical(self) -> Flight:
        _require_positive(self, "launch_mass_kg", "diameter_m", "drag_scale", "cl_max")
        propellant = sum(p.propellant_mass_kg.sample_bounds()[1] for p in self.motor)
        if not propellant < self.launch_mass_kg.sample_bounds()[0]:
            raise ValueError(
                f"the motor's propellant ({propellant:g} kg at most) must be less than the "
                f"launch mass ({self.launch_mass_kg.sample_bounds()[0]:g} kg at least)"
            )
        return self


class Missile(_Strict):
    """An interceptor: published envelope and modelling kinematics and lethality."""

    name: str
    guidance: Guidance
    max_range_m: Figure
    ballistic_range_m: Figure | None = None
    min_range_m: Figure
    max_target_altitude_m: Figure
    min_target_altitude_m: Figure
    max_speed_m_s: Figure
    max_load_factor_g: Figure
    max_flight_time_s: Figure
    min_speed_m_s: Figure
    navigation_constant: Figure
    launch_speed_m_s: Figure
    launch_elevation_deg: Figure
    planning_altitude_m: Figure
    planning_range_fraction: Figure
    kill_mechanism: KillMechanism
    #: The physical flyout's data: what the engine's flyout and ``iads envelope`` fly.
    flight: Flight
    #: Kill probability per threat category of a burst (or a hit) at zero end-game miss; the
    #: kill mechanism's damage function scales it with the miss distance.
    kill_probability: dict[ThreatCategory, Figure]

    @field_validator("kill_probability")
    @classmethod
    def _all_categories(cls, v: dict[str, Figure]) -> dict[str, Figure]:
        missing = [c for c in THREAT_CATEGORIES if c not in v]
        if missing:
            raise ValueError(f"missing categories: {', '.join(missing)}")
        for cat, fig in v.items():
            lo, hi = fig.sample_bounds()
            if not (lo >= 0.0 and hi <= 1.0):
                raise ValueError(f"{cat}: kill probability must lie in [0, 1]")
        return v


class Launcher(_Strict):
    """A launcher: which missiles it carries, how fast it fires, how it is reloaded.

    ``missiles_per_launcher`` are alternative loads of one missile type each;
    ``mixed_loads`` are published loads of several types at once (name -> rounds per type).
    ``reload_time_s`` is the time to reload an empty launcher in the field (None: it is not
    reloaded); a scenario says how many reloads a battery holds.
    """

    name: str
    mobility: Text
    launch_height_m: Figure
    launch_interval_s: Figure
    missiles_per_launcher: dict[str, Figure]
    mixed_loads: dict[str, dict[str, Figure]] = Field(default_factory=dict)
    reload_time_s: Figure | None = None


class Tracking(_Strict):
    """How a command post forms and keeps tracks (its constant-velocity Kalman filter)."""

    process_noise_m2_s3: Figure
    initial_speed_sigma_m_s: Figure
    confirm_hits: Figure
    timeout_s: Figure


class CommandPost(_Strict):
    """A command post."""

    name: str
    role: Text
    targets_tracked: Capacity | None = None
    targets_engaged: Capacity | None = None
    missiles_guided: Capacity | None = None
    max_fire_units: Figure | None = None
    tracking: Tracking
    priority_offset_s: Figure


class DragTable(_Strict):
    """A zero-lift drag coefficient against Mach number (linear between the points, held
    beyond the ends); each missile scales it by its ``flight.drag_scale``."""

    mach: list[float] = Field(min_length=2)
    cd0: list[float] = Field(min_length=2)
    basis: Basis
    source: str = Field(min_length=3)

    @model_validator(mode="after")
    def _table(self) -> DragTable:
        if len(self.mach) != len(self.cd0):
            raise ValueError(f"mach has {len(self.mach)} points and cd0 {len(self.cd0)}")
        if any(b <= a for a, b in zip(self.mach, self.mach[1:], strict=False)) or self.mach[0] < 0:
            raise ValueError("mach must be ascending from 0 or more")
        if any(c <= 0 for c in self.cd0):
            raise ValueError("cd0 must be positive")
        return self


class Environment(_Strict):
    """The air and the propagation every run uses (a scenario may override ``k_factor``), and
    how a computed envelope flight ends: ``envelope_pass_factor`` end-game ranges is the
    farthest closest approach that ends it as a miss (farther, the round flies on)."""

    k_factor: Figure
    zero_lift_drag: DragTable
    envelope_pass_factor: Figure


class Mast(_Strict):
    """A mast that raises a radar's antenna."""

    name: str
    height_m: Figure
    carries: list[str] = Field(min_length=1)  # radars it can carry


class System(_Strict):
    """A surface-to-air system: which elements make a fire unit, and its timing.

    ``radars`` are the fire unit's radars (exactly one with a fire-control or multifunction
    role); ``optional_radars`` and ``masts`` are elements a scenario may add to a battery.
    ``launcher_max_distance_m``: how far from its fire unit's site a launcher may stand.

    ``fire_unit_cost_usd`` (optional; None where no public figure exists): what one fire unit
    cost a buyer, a published contract or notified price divided by the fire units it bought.
    These are contract prices of different scopes (with or without missiles, training,
    support, co-production and offsets; ``source`` says what each includes), in then-year
    dollars, not unit production costs; ``low``/``high`` keep the sources' disagreements.
    ``iads compare`` reads it (``--equal cost`` and the cost per threat destroyed).
    """

    name: str
    country: str
    command_post: str
    radars: list[str] = Field(min_length=1)
    optional_radars: list[str] = Field(default_factory=list)
    masts: list[str] = Field(default_factory=list)
    launchers: list[str]
    missiles: list[str]
    reaction_time_s: Figure
    launchers_per_fire_unit: Figure
    launcher_max_distance_m: Figure
    max_target_speed_m_s: Figure | None = None
    fire_unit_cost_usd: Figure | None = None

    @model_validator(mode="after")
    def _positive_cost(self) -> System:
        if self.fire_unit_cost_usd is not None:
            _require_positive(self, "fire_unit_cost_usd")
        return self


class Evasion(_Strict):
    """A threat's evasive manoeuvre: a weave across its ground track that starts with the
    full lateral acceleration ``load_factor_g`` x g0 (a break) and repeats every ``period_s``
    (:mod:`iads.threats.flight`).

    ``trigger``: ``warned``: when a missile at the threat is within ``warning_time_s`` of
    reaching it, for ``periods`` whole periods (again while still warned); ``terminal``: from
    when a ballistic threat descends through ``start_altitude_m`` to impact.
    """

    trigger: Literal["warned", "terminal"]
    load_factor_g: Figure
    period_s: Figure
    warning_time_s: Figure | None = None
    periods: Figure | None = None
    start_altitude_m: Figure | None = None

    @model_validator(mode="after")
    def _trigger_figures(self) -> Evasion:
        need = ("warning_time_s", "periods") if self.trigger == "warned" else ("start_altitude_m",)
        other = ("start_altitude_m",) if self.trigger == "warned" else ("warning_time_s", "periods")
        missing = [f for f in need if getattr(self, f) is None]
        if missing:
            raise ValueError(f"a {self.trigger} evasion needs {', '.join(missing)}")
        extra = [f for f in other if getattr(self, f) is not None]
        if extra:
            raise ValueError(f"a {self.trigger} evasion has no {', '.join(extra)}")
        _require_positive(
            self, *(f for f in ("load_factor_g", "period_s", *need) if f != "start_altitude_m")
        )
        return self


class PullUp(_Strict):
    """A quasi-ballistic missile's terminal pull-up: as its arc descends through
    ``start_altitude_m`` it pulls up at ``load_factor_g`` x g0, rises above its arc and pushes
    over back onto it over ``period_s`` (:mod:`iads.threats.flight`), which spoils an
    interceptor's prediction of where it will be."""

    load_factor_g: Figure
    period_s: Figure
    start_altitude_m: Figure

    @model_validator(mode="after")
    def _positive(self) -> PullUp:
        _require_positive(self, "load_factor_g", "period_s", "start_altitude_m")
        return self


class Threat(_Strict):
    """A threat type (a class of aircraft, missile or drone, not one model)."""

    name: str
    #: Short human-readable name that the report shows in legends, axes and tables
    #: ("Subsonic cruise missile"); ``name`` is the full description. None: the report
    #: derives one from the key.
    display_name: str | None = Field(default=None, min_length=1, max_length=40)
    category: ThreatCategory
    examples: str
    speed_m_s: Figure
    cruise_altitude_m: Figure
    rcs_m2: Figure
    rcs_band_factor: dict[Band, Figure] = Field(default_factory=dict)
    rcs_aspect_factor: dict[Aspect, Figure] = Field(default_factory=dict)
    swerling_case: Literal[0, 1, 2, 3, 4]
    apogee_m: Figure | None = None
    max_range_m: Figure | None = None
    evasion: Evasion | None = None
    pull_up: PullUp | None = None
    #: What its seeker homes on. ``emitter``: an anti-radiation missile, which a scenario aims
    #: at a radar (``target_radar``); it flies down to the radar's antenna and, arriving, puts
    #: the radar out of action for the rest of the run. None: it flies at a defended asset.
    homes_on: Literal["emitter"] | None = None

    def band_factors(self) -> list[float]:
        """RCS factor of each band (``BANDS`` order) relative to X band.

        A band the catalog gives no factor for takes the factor of the nearest lower band that
        has one (UHF follows VHF, Ku to Ka follow X); with none below, 1.
        """
        out, last = [], 1.0
        for b in BANDS:
            if b in self.rcs_band_factor:
                last = self.rcs_band_factor[b].value
            elif b == "X":
                last = 1.0
            out.append(last)
        return out

    def rcs_table_m2(self) -> list[list[float]]:
        """Nominal RCS (m^2) by band (rows, ``BANDS`` order) and aspect (columns, ``ASPECTS``).

        A separable modelling form: ``rcs_m2`` (X band, nose-on) x band factor
        (:meth:`band_factors`) x aspect factor (1 where the catalog gives none).
        """
        band = self.band_factors()
        aspect = [
            self.rcs_aspect_factor[a].value if a in self.rcs_aspect_factor else 1.0 for a in ASPECTS
        ]
        return [[self.rcs_m2.value * fb * fa for fa in aspect] for fb in band]

    @model_validator(mode="after")
    def _reference_factors_are_one(self) -> Threat:
        for table, key in ((self.rcs_band_factor, "X"), (self.rcs_aspect_factor, "nose")):
            if key in table and table[key].value != 1.0:  # type: ignore[index, operator]
                raise ValueError(f"rcs_m2 is the X-band nose-on value: the {key} factor is 1")
        return self

    @model_validator(mode="after")
    def _ballistic_has_apogee(self) -> Threat:
        if self.category == "ballistic_missile" and self.apogee_m is None:
            raise ValueError("a ballistic_missile needs apogee_m")
        terminal = self.evasion is not None and self.evasion.trigger == "terminal"
        if terminal and self.category != "ballistic_missile":
            raise ValueError("only a ballistic_missile has a terminal evasion")
        if self.pull_up is not None and self.category != "ballistic_missile":
            raise ValueError("only a ballistic_missile has a pull_up")
        return self


class CatalogFile(_Strict):
    """One catalog YAML file; every section is optional so files can split by system."""

    schema_version: Literal[1]
    environment: Environment | None = None
    systems: dict[str, System] = Field(default_factory=dict)
    masts: dict[str, Mast] = Field(default_factory=dict)
    command_posts: dict[str, CommandPost] = Field(default_factory=dict)
    radars: dict[str, Radar] = Field(default_factory=dict)
    launchers: dict[str, Launcher] = Field(default_factory=dict)
    missiles: dict[str, Missile] = Field(default_factory=dict)
    threats: dict[str, Threat] = Field(default_factory=dict)
