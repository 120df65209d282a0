"""Two SQL expressions the engines spell differently, compiled per dialect.

`Hours(later, earlier)`: whole hours between two timestamps; `Month(ts)`: "YYYY-MM". SQLite
keeps timestamps as ISO text (julianday and strftime read it); PostgreSQL as timestamptz.
"""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class Hours(FunctionElement):
    type = Integer()
    inherit_cache = True
    name = "hours_between"


class Month(FunctionElement):
    type = String()
    inherit_cache = True
    name = "month_of"


@compiles(Hours, "sqlite")
def _hours_sqlite(element, compiler, **kw):
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST((julianday({later}) - julianday({earlier})) * 24 AS INTEGER)"


@compiles(Hours, "postgresql")
def _hours_pg(element, compiler, **kw):
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM ({later} - {earlier})) / 3600) AS INTEGER)"


@compiles(Month, "sqlite")
def _month_sqlite(element, compiler, **kw):
    return f"strftime('%Y-%m', {compiler.process(element.clauses, **kw)})"


@compiles(Month, "postgresql")
def _month_pg(element, compiler, **kw):
    return f"to_char({compiler.process(element.clauses, **kw)} AT TIME ZONE 'UTC', 'YYYY-MM')"
