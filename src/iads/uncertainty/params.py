"""The engine's parameters of each replication under uncertainty.

Each replication's drawn catalog is compiled like the scenario itself (so every figure reaches
the engine through the same code as its nominal value), except the command post's engagement
tables, which stay those of the nominal catalog: the firing tables a crew plans with do not
know the true values, while the rounds fly with them. Only the parameter arrays that some drawn
figure changes are carried per replication (:func:`iads.engine.run.run_batches`'s ``varying``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import jax
import numpy as np

from iads.engine.base import Params
from iads.errors import InputError
from iads.scenario.compile import Scenario, compile_scenario
from iads.uncertainty.draws import draw
from iads.uncertainty.figures import UncertainFigure, candidate_figures, with_values


@dataclass(frozen=True)
class HeldFigure:
    """A figure with low/high that is not drawn, and why."""

    figure: UncertainFigure
    reason: str


@dataclass(frozen=True)
class Uncertainty:
    """What is drawn in a run under uncertainty, and how to make a batch's parameters."""

    scenario: Scenario
    dtype: str | None
    seed: int
    figures: tuple[UncertainFigure, ...]  # drawn, in the order of the draws' columns
    held: tuple[HeldFigure, ...]  # with low/high but not drawn
    leaves: tuple[int, ...]  # indices of the Params leaves that the draws change

    @property
    def distribution(self) -> str:
        """How a figure is drawn, in words."""
        return (
            "triangular on (low, nominal, high), one draw per figure per replication; "
            "counts rounded to the nearest whole number"
        )

    def values(self, replications: Sequence[int] | np.ndarray) -> Any:
        """The drawn values [len(replications), len(figures)]."""
        return draw(self.seed, self.figures, replications)

    def varying(self, replications: Sequence[int] | np.ndarray) -> dict[int, Any]:
        """The changed Params leaves of each of ``replications``: {leaf index: [B, ...]}."""
        values = self.values(replications)
        rows = [self._leaves(v) for v in values]
        return {i: np.stack([r[k] for r in rows]) for k, i in enumerate(self.leaves)}

    def _leaves(self, values: Any) -> list[Any]:
        params = _compile_with(self.scenario, self.figures, values, self.dtype)
        flat = jax.tree_util.tree_leaves(params)
        return [np.asarray(flat[i]) for i in self.leaves]


def _compile_with(
    scn: Scenario, figures: Sequence[UncertainFigure], values: Any, dtype: str | None
) -> Params:
    cat = with_values(scn.catalog, figures, values)
    variant = dataclasses.replace(scn, catalog=cat)
    return compile_scenario(variant, dtype=dtype, tables_from=scn.catalog)[0]


def _signature(params: Params) -> tuple[Any, list[tuple[tuple[int, ...], Any]]]:
    leaves, treedef = jax.tree_util.tree_flatten(params)
    return treedef, [(np.shape(x), np.asarray(x).dtype) for x in leaves]


def prepare_uncertainty(
    scn: Scenario,
    seed: int,
    dtype: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Uncertainty:
    """Find which of the scenario's uncertain figures reach the engine, and how.

    Each candidate is compiled once at its low and once at its high end: a figure that
    changes no parameter array is not an engine input here (a published envelope figure
    used only to check the flyout, an entry's unused option) and is dropped; one that changes
    the arrays' shapes (a count of launchers) is held at nominal; one that changes an integer
    array (a channel count) is drawn as a whole number.
    """
    nominal = compile_scenario(scn, dtype=dtype)[0]
    base_def, base_sig = _signature(nominal)
    base = [np.asarray(x) for x in jax.tree_util.tree_leaves(nominal)]
    candidates = candidate_figures(scn)
    figures: list[UncertainFigure] = []
    held: list[HeldFigure] = []
    changed: set[int] = set()
    for n, fig in enumerate(candidates):
        touched: set[int] = set()
        reason = None
        for end in (fig.low, fig.high):
            try:
                params = _compile_with(scn, [fig], [end], dtype)
            except InputError as exc:
                reason = f"the scenario does not compile at {end:g}: {exc.problem}"
                break
            if _signature(params) != (base_def, base_sig):
                reason = "it changes the engine's array shapes (a count of entities)"
                break
            flat = jax.tree_util.tree_leaves(params)
            touched |= {
                i for i, (a, b) in enumerate(zip(flat, base, strict=True)) if not _same(a, b)
            }
        if progress is not None:
            progress(n + 1, len(candidates))
        if reason is not None:
            held.append(HeldFigure(fig, reason))
            continue
        if not touched:
            continue
        integer = any(np.issubdtype(base[i].dtype, np.integer) for i in touched)
        figures.append(dataclasses.replace(fig, integer=integer))
        changed |= touched
    return Uncertainty(
        scenario=scn,
        dtype=dtype,
        seed=seed,
        figures=tuple(figures),
        held=tuple(held),
        leaves=tuple(sorted(changed)),
    )


def _same(a: Any, b: Any) -> bool:
    a = np.asarray(a)
    return bool(np.array_equal(a, b, equal_nan=np.issubdtype(a.dtype, np.floating)))
