"""SQL's operators as both compilers emit them: arithmetic in double precision (a division by
zero is NULL, never an error), comparisons, AND and OR. Each language maps its own spelling to
these (DAX's ``==``, ``&&``, ``||``)."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa


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
