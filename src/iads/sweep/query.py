"""SQL over a study with DuckDB: the view ``study`` holds every finished point's replications.

Columns are those of :func:`iads.sweep.points.point_table`; a swept path is a column named by the
path, quoted in SQL: ``SELECT "raid[0].count", avg(leakers) FROM study GROUP BY 1``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from iads.errors import InputError
from iads.sweep.study import POINTS_DIR, read_study


def point_files(out: Path) -> list[Path]:
    """The finished points' files of a study, in point order."""
    return sorted((out / POINTS_DIR).glob("point-*.parquet"))


def connect(out: Path) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the view ``study`` over the study's finished points."""
    read_study(out)
    files = point_files(out)
    if not files:
        raise InputError(out, None, "no finished points yet (run iads sweep first)")
    con = duckdb.connect()
    listed = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
    con.execute(f"CREATE VIEW study AS SELECT * FROM read_parquet([{listed}], union_by_name=true)")
    return con


def query(out: Path, sql: str) -> pa.Table:
    """Run ``sql`` over the study (see the module docstring); a bad query is an
    :class:`InputError` with DuckDB's message on one line."""
    con = connect(out)
    try:
        result: Any = con.sql(sql).to_arrow_table()
    except duckdb.Error as exc:
        raise InputError(out, "SQL", " ".join(str(exc).split())) from None
    finally:
        con.close()
    return result  # type: ignore[no-any-return]


def study_table(out: Path) -> pa.Table:
    """Every finished replication of the study, one row each."""
    return query(out, "SELECT * FROM study ORDER BY point, replication")
