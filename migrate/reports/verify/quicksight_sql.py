"""QuickSight's calculated-field language, as ``migrate reports`` writes it, compiled to SQL: the
QuickSight side of the proof. A parser of its own (not the DAX one, and not the translator's
output read back by the translator), so a wrong translation shows as a difference.

Fields are ``{name}``: a calculated field (compiled in its place) or a column of the data set."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from migrate.reports.verify.sql_ops import SQL_OPERATORS, date_part

Expr = Any  # a SQLAlchemy column expression


class NotComparable(Exception):
    """The expression uses what this compiler does not evaluate; the visual is not comparable."""


TOKEN = re.compile(
    r"\s*(?:(?P<field>\{[^}]*\})|(?P<number>\d+(?:\.\d+)?)|(?P<string>'[^']*'|\"[^\"]*\")"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op><>|<=|>=|[-+*/^=<>(),\[\]]))"
)
AGGREGATES: dict[str, Callable[[Expr], Expr]] = {
    "sum": lambda e: sa.func.sum(e),
    "avg": lambda e: sa.func.avg(e),
    "min": lambda e: sa.func.min(e),
    "max": lambda e: sa.func.max(e),
    "count": lambda e: sa.func.count(e),
}
CONDITIONAL = {
    "sumIf": "sum",
    "avgIf": "avg",
    "minIf": "min",
    "maxIf": "max",
    "countIf": "count",
    "distinct_countIf": "distinct_count",
}
POWER = {
    "OR": 1,
    "AND": 2,
    "=": 4,
    "<>": 4,
    "<": 4,
    ">": 4,
    "<=": 4,
    ">=": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "/": 6,
    "^": 7,
}


def tokens(text: str) -> list[tuple[str, str]]:
    found, at = [], 0
    text = text.rstrip()
    while at < len(text):
        match = TOKEN.match(text, at)
        if match is None or match.end() == at:
            raise NotComparable(f"cannot read {text[at : at + 20]!r}")
        kind = match.lastgroup or ""
        found.append((kind, match.group(kind)))
        at = match.end()
    return [*found, ("end", "")]


class Compiler:
    def __init__(self, column: Callable[[str], Expr], calculated: dict[str, str]) -> None:
        self.column = column
        self.calculated = calculated
        self.depth = 0

    def compile(self, text: str) -> Expr:
        self.depth += 1
        if self.depth > 50:
            raise NotComparable("calculated fields refer to each other in a cycle")
        self.toks, self.at = tokens(text), 0
        saved = (self.toks, self.at)
        try:
            found = self.expression(0)
            if self.toks[self.at][0] != "end":
                raise NotComparable(f"unexpected {self.toks[self.at][1]!r}")
            return found
        finally:
            self.toks, self.at = saved
            self.depth -= 1

    def take(self, text: str | None = None) -> tuple[str, str]:
        token = self.toks[self.at]
        if text is not None and token[1] != text:
            raise NotComparable(f"expected {text!r}, found {token[1]!r}")
        self.at += 1
        return token

    def expression(self, power: int) -> Expr:
        left = self.prefix()
        while True:
            op = self.toks[self.at][1]
            strength = POWER.get(op)
            if strength is None or strength <= power:
                return left
            self.take()
            right = self.expression(strength)
            left = _binary(op, left, right)

    def prefix(self) -> Expr:
        kind, text = self.take()
        if kind == "number":
            return sa.literal(float(text) if "." in text else int(text))
        if kind == "string":
            return sa.literal(text[1:-1])
        if kind == "field":
            name = text[1:-1]
            if name in self.calculated:
                inner = Compiler(self.column, self.calculated)
                inner.depth = self.depth
                return inner.compile(self.calculated[name])
            return self.column(name)
        if text == "-":
            return -self.expression(POWER["*"])
        if text == "(":
            inner = self.expression(0)
            self.take(")")
            return inner
        if kind == "name" and text == "NULL":
            return sa.null()
        if kind == "name" and text == "NOT":
            return sa.not_(self.expression(3))
        if kind == "name" and self.toks[self.at][1] == "(":
            self.take("(")
            args = []
            while self.toks[self.at][1] != ")":
                args.append(self.list_or_expression())
                if self.toks[self.at][1] == ",":
                    self.take()
            self.take(")")
            return self.call(text, args)
        raise NotComparable(f"unexpected {text!r}")

    def list_or_expression(self) -> Any:
        if self.toks[self.at][1] != "[":
            return self.expression(0)
        self.take("[")
        items = []
        while self.toks[self.at][1] != "]":
            items.append(self.expression(0))
            if self.toks[self.at][1] == ",":
                self.take()
        self.take("]")
        return items

    def call(self, name: str, args: list[Any]) -> Expr:
        if name in AGGREGATES and len(args) == 1:
            return AGGREGATES[name](args[0])
        if name == "distinct_count" and len(args) == 1:
            return sa.func.count(sa.distinct(args[0]))
        if name in CONDITIONAL and len(args) == 2:
            picked = sa.case((args[1], args[0]))
            base = CONDITIONAL[name]
            return (
                sa.func.count(sa.distinct(picked)) if base == "distinct_count" else AGGREGATES[base](picked)
            )
        if name == "ifelse" and len(args) >= 3 and len(args) % 2:
            pairs = [(args[n], args[n + 1]) for n in range(0, len(args) - 1, 2)]
            return sa.case(*pairs, else_=args[-1])
        if name == "isNull" and len(args) == 1:
            return args[0].is_(None)
        if name == "coalesce" and len(args) >= 2:
            return sa.func.coalesce(*args)
        if name == "in" and len(args) == 2 and isinstance(args[1], list):
            return args[0].in_(args[1])
        if name == "abs" and len(args) == 1:
            return sa.func.abs(args[0])
        if name == "extract" and len(args) == 2 and getattr(args[0], "value", None) in DATE_PARTS:
            return date_part(DATE_PARTS[args[0].value], args[1])
        raise NotComparable(f"{name} is not evaluated by the verifier")


# QuickSight's extract() periods the verifier evaluates, as SQL's EXTRACT fields.
DATE_PARTS = {"YYYY": "year", "MM": "month", "DD": "day"}


def _binary(op: str, left: Expr, right: Expr) -> Expr:
    if op not in SQL_OPERATORS:
        raise NotComparable(f"{op} is not evaluated by the verifier")
    return SQL_OPERATORS[op](left, right)
