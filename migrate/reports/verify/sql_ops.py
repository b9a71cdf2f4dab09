"""SQL's operators as both compilers emit them: arithmetic in double precision (a division by
zero is NULL, never an error), comparisons, AND and OR. Each language maps its own spelling to
these (DAX's ``==``, ``&&``, ``||``)."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles


def _divide(a: Any, b: Any) -> Any:
    return sa.cast(a, sa.Double) / sa.func.nullif(b, 0)


SQL_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": _divide,
    "=": operator.eq,
    "<>": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
    "AND": sa.and_,
    "OR": sa.or_,
}


class _AsDateTime(sa.sql.expression.FunctionElement[Any]):
    """A value read as a date and time, whatever the column stores (a migrated date is often
    text): CAST on servers; SQLite's date functions read ISO text as it is."""

    inherit_cache = True
    name = "as_datetime"


@compiles(_AsDateTime)
def _as_datetime_cast(element: _AsDateTime, compiler: Any, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS TIMESTAMP)"


@compiles(_AsDateTime, "mysql", "mariadb")
def _as_datetime_mysql(element: _AsDateTime, compiler: Any, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS DATETIME)"


@compiles(_AsDateTime, "sqlite")
def _as_datetime_sqlite(element: _AsDateTime, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


def date_part(field: str, value: Any) -> Any:
    """EXTRACT(field FROM value) with the value read as a date and time."""
    return sa.extract(field, _AsDateTime(value))
