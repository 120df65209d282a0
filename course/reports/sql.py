"""Two SQL expressions the engines spell differently, compiled per dialect.

`Hours(later, earlier)`: whole hours between two timestamps; `Month(ts)`: "YYYY-MM". SQLite
keeps timestamps as ISO text (julianday and strftime read it); PostgreSQL as timestamptz.
"""

from __future__ import annotations

from sqlalchemy import Float, Integer, String
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


class Epoch(FunctionElement):
    type = Float()
    inherit_cache = True
    name = "epoch_of"


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


class JsonText(FunctionElement):
    """The text of one element of a JSON value: `JsonText(column, 0)` (an array's first item)
    or `JsonText(column, "chosen")` (an object's member, as JSON text). The index or name is a
    constant of the calling code, never user input: it is written into the path literal."""

    type = String()
    inherit_cache = True
    name = "json_text"

    def __init__(self, expression, path: int | str) -> None:
        self.path = path
        super().__init__(expression)


def _path_literal(path: int | str) -> str:
    if isinstance(path, int):
        return str(int(path))
    if not path.isidentifier():
        raise ValueError(f"not a JSON member name: {path!r}")
    return path


@compiles(JsonText, "sqlite")
def _json_text_sqlite(element, compiler, **kw):
    path = _path_literal(element.path)
    selector = f"$[{path}]" if isinstance(element.path, int) else f"$.{path}"
    return f"json_extract({compiler.process(element.clauses, **kw)}, '{selector}')"


@compiles(JsonText, "postgresql")
def _json_text_pg(element, compiler, **kw):
    path = _path_literal(element.path)
    inner = compiler.process(element.clauses, **kw)
    if isinstance(element.path, int):
        return f"(({inner}) ->> {path})"
    return f"CAST((({inner}) -> '{path}') AS TEXT)"


class ChosenOptions(FunctionElement):
    """`answers[key]["chosen"]` as JSON text, for an attempt's answers and a question id taken
    from the attempt's own results (never from a request)."""

    type = String()
    inherit_cache = True
    name = "chosen_options"


@compiles(ChosenOptions, "sqlite")
def _chosen_sqlite(element, compiler, **kw):
    answers, key = (compiler.process(c, **kw) for c in element.clauses)
    return f"json_extract({answers}, '$.\"' || {key} || '\".chosen')"


@compiles(ChosenOptions, "postgresql")
def _chosen_pg(element, compiler, **kw):
    answers, key = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(((({answers}) -> {key}) -> 'chosen') AS TEXT)"


class AsJsonb(FunctionElement):
    """The JSON column parsed once per row (PostgreSQL's jsonb); SQLite reads JSON text as is."""

    inherit_cache = True
    name = "as_jsonb"


@compiles(AsJsonb, "sqlite")
def _as_jsonb_sqlite(element, compiler, **kw):
    return compiler.process(element.clauses, **kw)


@compiles(AsJsonb, "postgresql")
def _as_jsonb_pg(element, compiler, **kw):
    return f"CAST({compiler.process(element.clauses, **kw)} AS JSONB)"
