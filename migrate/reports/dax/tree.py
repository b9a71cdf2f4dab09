"""The parsed shape of a DAX expression."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Number:
    text: str


@dataclass(frozen=True)
class String:
    value: str


@dataclass(frozen=True)
class ColumnRef:
    table: str | None  # None: ``[Name]``, a column of the row's table or a measure
    column: str


@dataclass(frozen=True)
class TableRef:
    name: str


@dataclass(frozen=True)
class Call:
    name: str  # upper case
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Binary:
    op: str  # + - * / ^ & = == <> < > <= >= && || IN
    left: Node
    right: Node


@dataclass(frozen=True)
class Unary:
    op: str  # - + NOT
    operand: Node


@dataclass(frozen=True)
class TableConstructor:
    rows: tuple[Node, ...]


@dataclass(frozen=True)
class Variables:
    bindings: tuple[tuple[str, Node], ...]
    result: Node


@dataclass(frozen=True)
class Omitted:
    """An optional argument left out: ``RANKX(t, e, , ASC)``."""


@dataclass(frozen=True)
class VariableRef:
    name: str


Node = (
    Number
    | String
    | ColumnRef
    | TableRef
    | Call
    | Binary
    | Unary
    | TableConstructor
    | Variables
    | VariableRef
    | Omitted
)
