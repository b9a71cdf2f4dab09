"""DAX, as Power BI evaluates a measure for one group of a visual, compiled to SQL: the Power BI
side of the proof, from the DAX tree (not from the QuickSight translation).

Evaluated: the aggregations, COUNTROWS, the X iterators over a row expression, DIVIDE (BLANK on
a zero or blank denominator, or the alternate), IF, SWITCH, BLANK, ISBLANK, COALESCE, CALCULATE
with column filters (each a CASE inside the aggregation), measure references (compiled in place),
VAR, arithmetic, comparisons, &&, ||, NOT and IN. Time intelligence and ranking are not: the
visual is not comparable, and says why."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from migrate.reports.dax.parse import DaxError, parse
from migrate.reports.dax.tree import (
    Binary,
    Call,
    ColumnRef,
    Node,
    Number,
    String,
    TableConstructor,
    TableRef,
    Unary,
    VariableRef,
    Variables,
)
from migrate.reports.verify.quicksight_sql import NotComparable
from migrate.reports.verify.sql_ops import SQL_OPERATORS, date_part

Expr = Any
AGGREGATES: dict[str, Callable[[Expr], Expr]] = {
    "SUM": lambda e: sa.func.sum(e),
    "AVERAGE": lambda e: sa.func.avg(e),
    "MIN": lambda e: sa.func.min(e),
    "MAX": lambda e: sa.func.max(e),
    "COUNT": lambda e: sa.func.count(e),
    "COUNTA": lambda e: sa.func.count(e),
    "DISTINCTCOUNT": lambda e: sa.func.count(sa.distinct(e)),
}
ITERATORS = {"SUMX": "SUM", "AVERAGEX": "AVERAGE", "MINX": "MIN", "MAXX": "MAX"}
# DAX's date functions the verifier evaluates, as SQL's EXTRACT fields.
DATE_PARTS = {"YEAR": "year", "MONTH": "month", "DAY": "day"}


class DaxCompiler:
    def __init__(self, column: Callable[[str, str], Expr], measures: dict[str, str], home: str) -> None:
        self.column = column  # (table, column) -> the source's column
        self.measures = measures  # name -> DAX
        self.home = home  # the table a bare [column] belongs to
        self.variables: dict[str, Expr] = {}
        self.depth = 0
        self.row_level = False  # a calculated column: no aggregation, no context transition

    def measure(self, name: str) -> Expr:
        self.depth += 1
        if self.depth > 50 or name not in self.measures:
            raise NotComparable(f"[{name}] cannot be evaluated (unknown, or measures in a cycle)")
        try:
            return self.node(parse(self.measures[name]), None)
        except DaxError as exc:
            raise NotComparable(f"[{name}]: {exc}") from exc
        finally:
            self.depth -= 1

    def row(self, expression: str) -> Expr:
        """A calculated column's DAX as a row-level SQL expression over its table."""
        try:
            tree = parse(expression)
        except DaxError as exc:
            raise NotComparable(f"its DAX does not parse ({exc})") from exc
        self.row_level = True
        return self.node(tree, None)

    def node(self, node: Node, row_filter: Expr | None) -> Expr:
        match node:
            case Number(text):
                return sa.literal(float(text) if "." in text or "e" in text.lower() else int(text))
            case String(value):
                return sa.literal(value)
            case ColumnRef(None, name) if name in self.measures:
                if row_filter is not None:
                    raise NotComparable(f"[{name}] inside CALCULATE with filters is not evaluated")
                return self.measure(name)
            case ColumnRef(table, name):
                return self.column(table or self.home, name)
            case VariableRef(name):
                return self.variables[name]
            case Variables(bindings, result):
                for bound, expression in bindings:
                    self.variables[bound] = self.node(expression, row_filter)
                return self.node(result, row_filter)
            case Unary("NOT", operand):
                return sa.not_(self.node(operand, row_filter))
            case Unary("-", operand):
                return -self.node(operand, row_filter)
            case Unary(_, operand):
                return self.node(operand, row_filter)
            case Binary(op, left, right):
                return self.binary(op, left, right, row_filter)
            case Call(name, args):
                return self.call(name, args, row_filter)
        raise NotComparable(f"{type(node).__name__} is not evaluated")

    def binary(self, op: str, left: Node, right: Node, row_filter: Expr | None) -> Expr:
        a = self.node(left, row_filter)
        if op == "IN":
            if not isinstance(right, TableConstructor):
                raise NotComparable("IN over a table")
            return a.in_([self.node(v, row_filter) for v in right.rows])
        b = self.node(right, row_filter)
        spelled = {"==": "=", "&&": "AND", "||": "OR"}.get(op, op)
        if spelled not in SQL_OPERATORS:
            raise NotComparable(f"the operator {op} is not evaluated")
        return SQL_OPERATORS[spelled](a, b)

    def call(self, name: str, args: tuple[Node, ...], row_filter: Expr | None) -> Expr:
        if self.row_level and (name in AGGREGATES or name in ITERATORS or name in ("COUNTROWS", "CALCULATE")):
            raise NotComparable(f"{name} in a calculated column is not evaluated")
        if name in AGGREGATES and len(args) == 1 and isinstance(args[0], ColumnRef):
            value = self.node(args[0], None)
            return AGGREGATES[name](sa.case((row_filter, value)) if row_filter is not None else value)
        if name in ITERATORS and len(args) == 2 and isinstance(args[0], TableRef):
            value = self.node(args[1], None)
            return AGGREGATES[ITERATORS[name]](
                sa.case((row_filter, value)) if row_filter is not None else value
            )
        if name == "COUNTROWS" and len(args) == 1 and isinstance(args[0], TableRef):
            one = sa.literal(1)
            return sa.func.count(sa.case((row_filter, one)) if row_filter is not None else one)
        if name == "DIVIDE" and len(args) in (2, 3):
            a, b = self.node(args[0], row_filter), self.node(args[1], row_filter)
            alternate = self.node(args[2], row_filter) if len(args) == 3 else sa.null()
            return sa.case((sa.or_(b.is_(None), b == 0), alternate), else_=SQL_OPERATORS["/"](a, b))
        if name == "IF" and len(args) in (2, 3):
            otherwise = self.node(args[2], row_filter) if len(args) == 3 else sa.null()
            return sa.case((self.node(args[0], row_filter), self.node(args[1], row_filter)), else_=otherwise)
        if name == "SWITCH" and len(args) >= 3:
            return self.switch(args, row_filter)
        if name == "BLANK" and not args:
            return sa.null()
        if name == "ISBLANK" and len(args) == 1:
            return self.node(args[0], row_filter).is_(None)
        if name == "COALESCE" and len(args) >= 2:
            return sa.func.coalesce(*(self.node(a, row_filter) for a in args))
        if name in DATE_PARTS and len(args) == 1:
            return date_part(DATE_PARTS[name], self.node(args[0], row_filter))
        if name in ("TRUE", "FALSE") and not args:
            return sa.true() if name == "TRUE" else sa.false()
        if name == "CALCULATE" and args:
            if row_filter is not None:
                raise NotComparable("CALCULATE inside CALCULATE is not evaluated")
            conditions = [self.filter(f) for f in args[1:]]
            return self.node(args[0], sa.and_(*conditions) if conditions else None)
        raise NotComparable(f"{name} is not evaluated by the verifier")

    def filter(self, node: Node) -> Expr:
        """A CALCULATE filter: a condition on columns, or FILTER(table, condition) of the table."""
        if isinstance(node, Call):
            if node.name == "FILTER" and len(node.args) == 2 and isinstance(node.args[0], TableRef):
                return self.node(node.args[1], None)
            raise NotComparable(f"a CALCULATE filter {node.name}(…) is not evaluated")
        return self.node(node, None)

    def switch(self, args: tuple[Node, ...], row_filter: Expr | None) -> Expr:
        subject, rest = args[0], list(args[1:])
        otherwise = self.node(rest.pop(), row_filter) if len(rest) % 2 else sa.null()
        on_true = isinstance(subject, Call) and subject.name == "TRUE"
        value = None if on_true else self.node(subject, row_filter)
        branches = []
        for test, result in zip(rest[::2], rest[1::2], strict=True):
            condition = self.node(test, row_filter) if value is None else value == self.node(test, row_filter)
            branches.append((condition, self.node(result, row_filter)))
        return sa.case(*branches, else_=otherwise)
