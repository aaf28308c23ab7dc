"""A quiet HiGHS instance (the ``highspy`` core class, logging off before anything runs).

``highspy.Highs()`` installs its callbacks while logging is still on, which prints HiGHS's
banner to stdout; the core class with ``output_flag`` off first prints nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from highspy import _core

INF = float(_core.kHighsInf)
OPTIMAL = _core.HighsModelStatus.kOptimal


def new_highs() -> Any:
    """A silent, single-threaded HiGHS model."""
    h = _core._Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    return h


def on_improving_solution(h: Any, receive: Callable[[np.ndarray], None]) -> None:
    """Call ``receive(column values)`` on every improving MIP solution HiGHS finds."""

    def callback(kind: Any, message: str, data_out: Any, data_in: Any, user: Any) -> None:
        receive(np.array(data_out.mip_solution))

    h.setCallback(callback, None)
    h.startCallback(_core.cb.HighsCallbackType.kCallbackMipImprovingSolution)
