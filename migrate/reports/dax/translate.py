"""DAX to QuickSight's calculated-field language, through a table of what maps; the rest is a
finding with a reason code, never a guess.

Two contexts, as in DAX: a **measure** is evaluated over the rows a visual groups (its columns
must be aggregated), a **calculated column** row by row (``row``). Names reach QuickSight through
a ``Resolver``, which knows the data set's column names and the calculated fields made so far."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

from migrate.reports.dax.parse import DaxError, parse
from migrate.reports.dax.tree import (
    Binary,
    Call,
    ColumnRef,
    Node,
    Number,
    Omitted,
    String,
    TableConstructor,
    TableRef,
    Unary,
    VariableRef,
    Variables,
)

Context = Literal["measure", "row"]

# DAX aggregation → QuickSight's, and its conditional form (CALCULATE with column filters).
AGGREGATES = {
    "SUM": "sum",
    "AVERAGE": "avg",
    "MIN": "min",
    "MAX": "max",
    "COUNT": "count",
    "COUNTA": "count",
    "DISTINCTCOUNT": "distinct_count",
}
CONDITIONAL = {
    "sum": "sumIf",
    "avg": "avgIf",
    "min": "minIf",
    "max": "maxIf",
    "count": "countIf",
    "distinct_count": "distinct_countIf",
}
ITERATORS = {"SUMX": "sum", "AVERAGEX": "avg", "MINX": "min", "MAXX": "max"}
# Scalar functions, the same in either context: DAX name → (QuickSight name, argument counts).
SCALARS: dict[str, tuple[str, tuple[int, ...]]] = {
    "ABS": ("abs", (1,)),
    "ROUND": ("round", (2,)),
    "UPPER": ("toUpper", (1,)),
    "LOWER": ("toLower", (1,)),
    "TRIM": ("trim", (1,)),
    "LEN": ("strlen", (1,)),
    "LEFT": ("left", (2,)),
    "RIGHT": ("right", (2,)),
    "COALESCE": ("coalesce", tuple(range(2, 33))),
}
DATE_PARTS = {"YEAR": "YYYY", "MONTH": "MM", "DAY": "DD", "QUARTER": "Q"}
COMPARISONS = {"=": "=", "==": "=", "<>": "<>", "<": "<", ">": ">", "<=": "<=", ">=": ">="}
ARITHMETIC = {"+", "-", "*", "/", "^"}


class Resolver(Protocol):
    def column(self, table: str | None, column: str) -> str | None:
        """The data set's name for a table's column (``table`` None: the row's own table)."""

    def measure(self, name: str) -> str | None:
        """The calculated field a converted measure became, None when it was not converted."""

    def rows_column(self, table: str) -> str | None:
        """The data set's column that is 1 on every row of ``table`` (COUNTROWS), if it has one."""

    def is_measure(self, name: str) -> bool:
        """Whether ``[name]`` names a measure of the model (else a column)."""

    def measure_expression(self, name: str) -> str | None:
        """A measure's own DAX (CALCULATE over a measure that is one aggregation filters that)."""


class Unconvertible(Exception):
    def __init__(self, code: str, why: str) -> None:
        super().__init__(why)
        self.code = code
        self.why = why


@dataclass(frozen=True)
class Translated:
    expression: str | None
    code: str | None = None  # why not, as a finding's reason code
    why: str | None = None
    needs_date: tuple[str, str] | None = None
    """The date column a period function runs over: valid only on a visual that shows it."""
    measures: frozenset[str] = field(default_factory=frozenset)


def translate(text: str, context: Context, resolver: Resolver) -> Translated:
    try:
        tree = parse(text)
    except DaxError as exc:
        return Translated(None, "DAX_PARSE", f"not DAX this converter reads: {exc}")
    state = _Translation(context, resolver)
    try:
        expression = state.node(tree, context)
    except Unconvertible as exc:
        return Translated(None, exc.code, exc.why, state.needs_date, frozenset(state.measures))
    return Translated(expression, None, None, state.needs_date, frozenset(state.measures))


def _unmapped(name: str) -> Unconvertible:
    return Unconvertible("DAX_FUNCTION", f"{name} has no QuickSight equivalent in the mapping table")


def _shape(name: str, how: str) -> Unconvertible:
    return Unconvertible("DAX_SHAPE", f"{name} is mapped only {how}")


class _Translation:
    def __init__(self, context: Context, resolver: Resolver) -> None:
        self.context = context
        self.resolver = resolver
        self.needs_date: tuple[str, str] | None = None
        self.measures: set[str] = set()
        self.variables: dict[str, str] = {}

    def node(self, node: Node, context: Context) -> str:
        match node:
            case Number(text):
                return text
            case String(value):
                return _string(value)
            case ColumnRef(table, column):
                return self.reference(table, column, context)
            case VariableRef(name):
                return self.variables[name]
            case Variables(bindings, result):
                for bound, expression in bindings:
                    self.variables[bound] = f"({self.node(expression, context)})"
                return self.node(result, context)
            case Unary("NOT", operand):
                return f"NOT ({self.node(operand, context)})"
            case Unary(op, operand):
                return f"{op}{self.node(operand, context)}"
            case Binary(op, left, right):
                return self.binary(op, left, right, context)
            case Call(name, args):
                return self.call(name, args, context)
            case TableRef(name):
                raise Unconvertible("DAX_SHAPE", f"the table {name!r} stands where a value is needed")
            case Omitted():
                raise Unconvertible(
                    "DAX_SHAPE", "an argument left out is mapped only where DAX has a default"
                )
            case TableConstructor():
                raise Unconvertible("DAX_SHAPE", "a table constructor {…} is mapped only after IN")
        raise Unconvertible("DAX_SHAPE", f"{type(node).__name__} is not mapped")

    def reference(self, table: str | None, column: str, context: Context) -> str:
        if table is None and self.resolver.is_measure(column):
            converted = self.resolver.measure(column)
            if converted is None:
                raise Unconvertible("DAX_DEPENDS", f"uses the measure [{column}], which was not converted")
            self.measures.add(column)
            return _field(converted)
        if context == "measure":
            raise Unconvertible(
                "DAX_CONTEXT", f"{_name(table, column)} is a column used without an aggregation in a measure"
            )
        return self.column(table, column)

    def column(self, table: str | None, column: str) -> str:
        name = self.resolver.column(table, column)
        if name is None:
            raise Unconvertible("DAX_UNKNOWN", f"{_name(table, column)} is not a column of the model")
        return _field(name)

    def binary(self, op: str, left: Node, right: Node, context: Context) -> str:
        if op == "IN":
            if not isinstance(right, TableConstructor):
                raise _shape("IN", "over a list {…} of values")
            values = ", ".join(self.node(v, context) for v in right.rows)
            return f"in({self.node(left, context)}, [{values}])"
        a, b = self.node(left, context), self.node(right, context)
        if op in COMPARISONS:
            return f"{a} {COMPARISONS[op]} {b}"
        if op == "&&":
            return f"({a}) AND ({b})"
        if op == "||":
            return f"({a}) OR ({b})"
        if op == "&":
            return f"concat(toString({a}), toString({b}))"
        if op in ARITHMETIC:
            return f"({a} {op} {b})"
        raise _shape(op, "as an arithmetic, comparison or logical operator")

    def call(self, name: str, args: tuple[Node, ...], context: Context) -> str:
        handler: Callable[[tuple[Node, ...], Context], str] | None = getattr(self, f"f_{name.lower()}", None)
        if name in AGGREGATES and (len(args) == 1 or name not in ("MIN", "MAX")):
            return self.aggregate(name, args, context)
        if name in ITERATORS:
            return self.iterate(name, args, context)
        if name in SCALARS:
            quicksight, counts = SCALARS[name]
            if len(args) not in counts:
                raise _shape(name, f"with {' or '.join(map(str, counts[:2]))} arguments")
            return f"{quicksight}({', '.join(self.node(a, context) for a in args)})"
        if name in DATE_PARTS:
            if len(args) != 1:
                raise _shape(name, "with one date")
            return f"extract('{DATE_PARTS[name]}', {self.node(args[0], context)})"
        if handler is not None:
            return handler(args, context)
        raise _unmapped(name)

    def aggregate(self, name: str, args: tuple[Node, ...], context: Context) -> str:
        if context == "row":
            raise Unconvertible("DAX_CONTEXT", f"{name} aggregates inside a calculated column")
        if len(args) != 1 or not isinstance(args[0], ColumnRef) or self.resolver.is_measure(args[0].column):
            raise _shape(name, "over one Table[Column]")
        return f"{AGGREGATES[name]}({self.column(args[0].table, args[0].column)})"

    def iterate(self, name: str, args: tuple[Node, ...], context: Context) -> str:
        if context == "row":
            raise Unconvertible("DAX_CONTEXT", f"{name} aggregates inside a calculated column")
        if len(args) != 2 or not isinstance(args[0], TableRef):
            raise _shape(name, "over one table and an expression of its row")
        return f"{ITERATORS[name]}({self.node(args[1], 'row')})"

    # Functions with a shape of their own (f_<name>).

    def f_countrows(self, args: tuple[Node, ...], context: Context) -> str:
        if context == "row" or len(args) != 1 or not isinstance(args[0], TableRef):
            raise _shape("COUNTROWS", "over one table, in a measure")
        rows = self.resolver.rows_column(args[0].name)
        if rows is None:
            raise Unconvertible(
                "DAX_SHAPE",
                f"COUNTROWS({args[0].name}) counts a table the data set does not keep row for row",
            )
        return f"sum({_field(rows)})"

    def f_divide(self, args: tuple[Node, ...], context: Context) -> str:
        if len(args) not in (2, 3):
            raise _shape("DIVIDE", "with 2 or 3 arguments")
        a, b = self.node(args[0], context), self.node(args[1], context)
        alternate = self.node(args[2], context) if len(args) == 3 else "NULL"
        return f"ifelse(isNull({b}) OR {b} = 0, {alternate}, {a} / {b})"

    def f_if(self, args: tuple[Node, ...], context: Context) -> str:
        if len(args) not in (2, 3):
            raise _shape("IF", "with 2 or 3 arguments")
        otherwise = self.node(args[2], context) if len(args) == 3 else "NULL"
        return f"ifelse({self.node(args[0], context)}, {self.node(args[1], context)}, {otherwise})"

    def f_switch(self, args: tuple[Node, ...], context: Context) -> str:
        if len(args) < 3:
            raise _shape("SWITCH", "with a value and at least one pair")
        subject, rest = args[0], list(args[1:])
        otherwise = self.node(rest.pop(), context) if len(rest) % 2 else "NULL"
        on_true = isinstance(subject, Call) and subject.name == "TRUE" and not subject.args
        value = "" if on_true else self.node(subject, context)
        branches = []
        for test, result in zip(rest[::2], rest[1::2], strict=True):
            condition = self.node(test, context) if on_true else f"{value} = {self.node(test, context)}"
            branches.append(f"{condition}, {self.node(result, context)}")
        return f"ifelse({', '.join(branches)}, {otherwise})"

    def f_blank(self, args: tuple[Node, ...], context: Context) -> str:
        if args:
            raise _shape("BLANK", "with no argument")
        return "NULL"

    def f_isblank(self, args: tuple[Node, ...], context: Context) -> str:
        if len(args) != 1:
            raise _shape("ISBLANK", "with one argument")
        return f"isNull({self.node(args[0], context)})"

    def f_true(self, args: tuple[Node, ...], context: Context) -> str:
        return "1 = 1"

    def f_false(self, args: tuple[Node, ...], context: Context) -> str:
        return "1 = 0"

    def f_not(self, args: tuple[Node, ...], context: Context) -> str:
        if len(args) != 1:
            raise _shape("NOT", "with one argument")
        return f"NOT ({self.node(args[0], context)})"

    def f_and(self, args: tuple[Node, ...], context: Context) -> str:
        return self.binary("&&", *self._two("AND", args), context)

    def f_or(self, args: tuple[Node, ...], context: Context) -> str:
        return self.binary("||", *self._two("OR", args), context)

    def f_related(self, args: tuple[Node, ...], context: Context) -> str:
        if context != "row" or len(args) != 1 or not isinstance(args[0], ColumnRef):
            raise _shape("RELATED", "over one Table[Column] in a calculated column")
        return self.column(args[0].table, args[0].column)

    def f_calculate(self, args: tuple[Node, ...], context: Context) -> str:
        if context == "row" or not args:
            raise _shape("CALCULATE", "in a measure")
        inner, filters = args[0], args[1:]
        if not filters:
            return self.node(inner, context)
        periods = [f for f in filters if isinstance(f, Call) and f.name in ("SAMEPERIODLASTYEAR", "DATEADD")]
        if periods:
            if len(filters) != 1:
                raise _shape("CALCULATE", "with one period filter and nothing else")
            return self.period(self.node(inner, context), periods[0])
        inner = self._aggregation_of(inner)
        if isinstance(inner, Call) and inner.name in AGGREGATES and len(inner.args) == 1:
            aggregate = self.aggregate(inner.name, inner.args, context)
        elif isinstance(inner, Call) and inner.name in ITERATORS:
            aggregate = self.iterate(inner.name, inner.args, context)
        elif isinstance(inner, Call) and inner.name == "COUNTROWS":
            aggregate = self.f_countrows(inner.args, context)
        else:
            raise _shape(
                "CALCULATE",
                "over an aggregation (of a column, a row expression or rows), with column filters",
            )
        conditions = " AND ".join(f"({self.condition(f)})" for f in filters)
        function, _, rest = aggregate.partition("(")
        return f"{CONDITIONAL[function]}({rest[:-1]}, {conditions})"

    def _aggregation_of(self, inner: Node) -> Node:
        """``CALCULATE([m], …)`` where the measure m is one aggregation of a column: that aggregation."""
        if isinstance(inner, ColumnRef) and inner.table is None and self.resolver.is_measure(inner.column):
            text = self.resolver.measure_expression(inner.column)
            try:
                found = parse(text) if text else None
            except DaxError:
                return inner
            if isinstance(found, Call) and found.name in AGGREGATES:
                self.measures.add(inner.column)
                return found
        return inner

    def condition(self, node: Node) -> str:
        """A CALCULATE filter: a comparison of one column with values, row by row."""
        if (
            isinstance(node, Binary)
            and node.op in (*COMPARISONS, "IN")
            and isinstance(node.left, ColumnRef)
            and node.left.table is not None
        ):
            return self.node(node, "row")
        if isinstance(node, Binary) and node.op in ("&&", "||"):
            joiner = "AND" if node.op == "&&" else "OR"
            return f"({self.condition(node.left)}) {joiner} ({self.condition(node.right)})"
        if isinstance(node, Unary) and node.op == "NOT":
            return f"NOT ({self.condition(node.operand)})"
        if (
            isinstance(node, Call)
            and node.name == "FILTER"
            and len(node.args) == 2
            and isinstance(node.args[0], TableRef)
        ):
            return self.condition(_qualified(node.args[1], node.args[0].name))
        if isinstance(node, Call) and node.name == "KEEPFILTERS" and len(node.args) == 1:
            raise _shape("KEEPFILTERS", "never: QuickSight's conditions always intersect, but say so")
        raise _shape("CALCULATE", "with filters comparing one column with values")

    def period(self, measure: str, period: Call) -> str:
        """SAMEPERIODLASTYEAR(date) and DATEADD(date, -n, YEAR|QUARTER|MONTH|DAY)."""
        date = period.args[0] if period.args else None
        if not isinstance(date, ColumnRef) or date.table is None:
            raise _shape(period.name, "over one 'Table'[Date]")
        if period.name == "SAMEPERIODLASTYEAR":
            if len(period.args) != 1:
                raise _shape(period.name, "with one date column")
            unit, offset = "YEAR", 1
        else:
            if len(period.args) != 3 or not isinstance(period.args[2], TableRef):
                raise _shape("DATEADD", "with a date column, a whole number and an interval")
            unit = period.args[2].name.upper()
            offset = _whole(period.args[1])
            if unit not in ("YEAR", "QUARTER", "MONTH", "DAY") or offset >= 0:
                raise _shape("DATEADD", "back in time by YEAR, QUARTER, MONTH or DAY")
            offset = -offset
        self.needs_date = (date.table, date.column)
        return (
            f"periodOverPeriodLastValue({measure}, {self.column(date.table, date.column)}, {unit}, {offset})"
        )

    def f_totalytd(self, args: tuple[Node, ...], context: Context) -> str:
        if context == "row" or len(args) != 2 or not isinstance(args[1], ColumnRef) or args[1].table is None:
            raise _shape("TOTALYTD", "with a measure and one 'Table'[Date]")
        inner = args[0]
        if not (isinstance(inner, Call) and inner.name == "SUM"):
            raise _shape("TOTALYTD", "over a SUM")
        self.needs_date = (args[1].table, args[1].column)
        date = self.column(args[1].table, args[1].column)
        return f"periodToDateSumOverTime({self.node(inner, context)}, {date}, YEAR)"

    def f_rankx(self, args: tuple[Node, ...], context: Context) -> str:
        if context == "row" or len(args) < 2:
            raise _shape("RANKX", "in a measure, over ALL(a column) and a measure")
        over = args[0]
        if not (isinstance(over, Call) and over.name == "ALL" and len(over.args) == 1):
            raise _shape("RANKX", "over ALL(Table[Column]) (the visual's rows)")
        order = "DESC"
        if len(args) >= 4:
            if not isinstance(args[3], TableRef) or args[3].name.upper() not in ("ASC", "DESC"):
                raise _shape("RANKX", "with ASC or DESC")
            order = args[3].name.upper()
        if len(args) >= 5:
            raise _shape("RANKX", "without a ties argument (QuickSight ranks ties as SKIP does)")
        return f"rank([{self.node(args[1], context)} {order}])"

    def f_topn(self, args: tuple[Node, ...], context: Context) -> str:
        raise Unconvertible("DAX_TOPN", "TOPN becomes the visual's top-N filter, not a calculated field")

    def _two(self, name: str, args: tuple[Node, ...]) -> tuple[Node, Node]:
        if len(args) != 2:
            raise _shape(name, "with two arguments")
        return args[0], args[1]


def _qualified(node: Node, table: str) -> Node:
    """FILTER's condition with its bare ``[column]`` references named as the filtered table's."""
    match node:
        case ColumnRef(None, column):
            return ColumnRef(table, column)
        case Binary(op, left, right):
            return Binary(op, _qualified(left, table), _qualified(right, table))
        case Unary(op, operand):
            return Unary(op, _qualified(operand, table))
    return node


def _whole(node: Node) -> int:
    if isinstance(node, Number) and node.text.isdigit():
        return int(node.text)
    if (
        isinstance(node, Unary)
        and node.op == "-"
        and isinstance(node.operand, Number)
        and node.operand.text.isdigit()
    ):
        return -int(node.operand.text)
    raise _shape("DATEADD", "with a whole number of intervals")


def _field(name: str) -> str:
    if "}" in name:
        raise Unconvertible("NAME", f"the name {name!r} holds a '}}', which QuickSight cannot quote")
    return "{" + name + "}"


def _string(value: str) -> str:
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    raise Unconvertible("DAX_STRING", f"the text {value!r} holds both kinds of quote")


def _name(table: str | None, column: str) -> str:
    return f"'{table}'[{column}]" if table else f"[{column}]"
