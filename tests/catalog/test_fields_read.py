"""Every catalog field is read: compiling and reporting the examples touches each field of each
kind of catalog entry (a field nothing reads is a defect: remove it or use it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from iads.catalog import CATALOG_DIR, load_catalog_dir
from iads.catalog import base as schema
from iads.scenario.compile import compile_scenario, load_scenario

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

#: Fields that describe an entry for people (and provenance, checked by tests/catalog), not
#: numbers the engine reads.
DESCRIPTIVE = {
    ("Radar", "name"),
    ("Radar", "band"),  # the letter band as published; the engine takes it from frequency_hz
    ("Radar", "calibration"),  # how peak_power_w was solved (tests/catalog checks it)
    ("Calibration", "rcs_m2"),
    ("Calibration", "range_m"),
    ("Calibration", "detection_probability"),
    ("Missile", "name"),
    # published; iads envelope shows it beside the physical flyout's computed speed
    ("Missile", "max_speed_m_s"),
    ("DragTable", "basis"),
    ("DragTable", "source"),
    ("Guidance", "description"),
    ("KillMechanism", "description"),
    ("Launcher", "name"),
    ("Launcher", "mobility"),
    ("CommandPost", "name"),
    ("CommandPost", "role"),
    ("System", "name"),
    ("System", "country"),
    ("System", "fire_unit_cost_usd"),  # read by iads compare (--equal cost, cost per kill)
    ("Mast", "name"),
    ("Threat", "name"),
    ("Threat", "display_name"),  # read by the report
    ("Threat", "examples"),
}

#: The kinds of entry whose fields are checked.
MODELS = (
    schema.Radar,
    schema.Missile,
    schema.Guidance,
    schema.KillMechanism,
    schema.Launcher,
    schema.CommandPost,
    schema.Tracking,
    schema.System,
    schema.Mast,
    schema.Threat,
    schema.Environment,
    schema.Flight,
    schema.MotorPhase,
    schema.DragTable,
    schema.Evasion,
    schema.PullUp,
)


@pytest.fixture(scope="module")
def fields_read(tmp_path_factory) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(model, field) pairs read while the examples compile, on a fresh catalog, and a test
    scenario with what no packaged entry publishes (a mixed launcher load)."""
    from tests.engine.scenarios import write
    from tests.engine.test_launchers import _catalog, _scenario

    mixed = write(tmp_path_factory.mktemp("mixed"), _scenario())
    mixed_catalog = _catalog()
    read: set[tuple[str, str]] = set()
    names = {m.__name__ for m in MODELS}
    original = BaseModel.__getattribute__

    def spy(self: BaseModel, name: str):  # type: ignore[no-untyped-def]
        cls = type(self).__name__
        if cls in names and not name.startswith("_") and name in type(self).model_fields:
            read.add((cls, name))
        return original(self, name)

    catalog = load_catalog_dir(CATALOG_DIR)
    BaseModel.__getattribute__ = spy  # type: ignore[method-assign]
    try:
        for path in sorted(EXAMPLES.glob("*.yaml")):
            compile_scenario(load_scenario(path, catalog))
        compile_scenario(load_scenario(mixed, mixed_catalog))
    finally:
        BaseModel.__getattribute__ = original  # type: ignore[method-assign]
    return read


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_field_of_the_schema_is_read_by_the_engine(model, fields_read):
    unread = [
        f
        for f in model.model_fields
        if (model.__name__, f) not in fields_read and (model.__name__, f) not in DESCRIPTIVE
    ]
    assert not unread, f"{model.__name__}: nothing reads {', '.join(unread)}"
