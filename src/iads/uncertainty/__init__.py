"""The spread of public figures: draw each catalog figure that has low/high per replication,
and rank which figures drive the spread of the results."""

from iads.uncertainty.draws import draw, triangular
from iads.uncertainty.figures import UncertainFigure, candidate_figures, used_entries, with_values
from iads.uncertainty.params import HeldFigure, Uncertainty, prepare_uncertainty

__all__ = [
    "HeldFigure",
    "UncertainFigure",
    "Uncertainty",
    "candidate_figures",
    "draw",
    "prepare_uncertainty",
    "triangular",
    "used_entries",
    "with_values",
]
