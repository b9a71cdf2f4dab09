"""A catalog query's ``:named`` params rendered into its text as typed, dialect-correct literals.

ConnectorX cannot bind parameters, so the fast path inlines them. The placeholders are the ones
SQLAlchemy's ``text()`` finds (the row path binds the very same names, ``\\:`` escapes included);
each value is rendered from its type alone, never by pasting request text into SQL:

- strings: MySQL gets a hex literal with a charset introducer (``_utf8mb4 X'…'``), which holds
  quotes, backslashes and NUL whatever ``sql_mode`` says; PostgreSQL gets an escape string
  (``E'…'``), where only ``\\`` and ``'`` need escaping, and refuses NUL as its ``text`` does;
- integers and floats: digits (a float in exponent form, finite only), parenthesised when
  negative so ``-`` can never meet another ``-`` and open a comment;
- dates: ``DATE 'YYYY-MM-DD'``; booleans: ``TRUE``/``FALSE``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.types import UserDefinedType

from agent.jobs.errors import InvalidRenderError


def render_query(query: str, params: dict[str, Any], literal: Callable[[Any], str], compiler: Dialect) -> str:
    """``query`` with each ``:name`` replaced by ``literal(params[name])``, compiled by ``compiler``."""
    clause = text(query)
    names = list(clause.compile().params)
    missing = [name for name in names if name not in params]
    if missing:
        raise InvalidRenderError(f"query failed: the query needs params {missing} the job does not carry")
    inline = _InlineLiteral(literal)
    clause = clause.bindparams(*(bindparam(name, params[name], type_=inline) for name in names))
    try:
        return str(clause.compile(dialect=compiler, compile_kwargs={"literal_binds": True}))
    except SQLAlchemyError as exc:
        raise InvalidRenderError(f"query failed: {exc}") from exc


def mysql_literal(value: Any) -> str:
    if isinstance(value, str):
        return f"_utf8mb4 X'{_utf8(value).hex()}'"
    return _common_literal(value, float_text=lambda v: _signed(_exponent_form(v)))


def postgresql_literal(value: Any) -> str:
    if isinstance(value, str):
        if "\x00" in value:
            raise InvalidRenderError("query failed: PostgreSQL text cannot hold a NUL character")
        _utf8(value)
        return "E'" + value.replace("\\", "\\\\").replace("'", "''") + "'"
    return _common_literal(value, float_text=lambda v: f"CAST('{_exponent_form(v)}' AS DOUBLE PRECISION)")


class _InlineLiteral(UserDefinedType[Any]):
    """A bind type whose literal rendering is one of this module's functions."""

    cache_ok = True

    def __init__(self, literal: Callable[[Any], str]) -> None:
        self.literal = literal  # named as the argument: SQLAlchemy copies types through __init__

    def get_col_spec(self, **kw: Any) -> str:
        return "INLINE"

    def literal_processor(self, dialect: Dialect) -> Callable[[Any], str]:
        return self.literal


def _common_literal(value: Any, float_text: Callable[[float], str]) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return _signed(str(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidRenderError(f"query failed: {value!r} is not a finite number")
        return float_text(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return f"DATE '{value.isoformat()}'"
    raise InvalidRenderError(f"query failed: a param of type {type(value).__name__} cannot be rendered")


def _exponent_form(value: float) -> str:
    shortest = repr(value)
    return shortest if "e" in shortest else f"{shortest}e0"


def _signed(digits: str) -> str:
    return f"({digits})" if digits.startswith("-") else digits


def _utf8(value: str) -> bytes:
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidRenderError(f"query failed: a string param is not valid UTF-8 ({exc.reason})") from exc
