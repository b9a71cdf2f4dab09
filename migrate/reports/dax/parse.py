"""A DAX parser: tokens, then precedence climbing over DAX's operators (Microsoft's "DAX
operators" table: ^, sign, * /, + -, &, comparisons and IN, NOT, &&, ||).

It reads what measures, calculated columns and RLS filters are written in: literals, ``'Table'[Column]``,
``Table[Column]``, ``[Measure]``, calls, ``VAR … RETURN``, table constructors ``{…}`` and comments.
Anything else is a ``DaxError`` naming the position, never a guess."""

from __future__ import annotations

import re
from dataclasses import dataclass

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


class DaxError(ValueError):
    pass


@dataclass(frozen=True)
class Token:
    kind: str  # number string quoted bracket name op punct end
    text: str
    at: int


TOKEN = re.compile(
    r"""
    (?P<space>\s+|//[^\n]*|--[^\n]*|/\*.*?\*/)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<string>"(?:[^"]|"")*")
  | (?P<quoted>'(?:[^']|'')+')
  | (?P<bracket>\[(?:[^\]]|\]\])+\])
  | (?P<name>[A-Za-z_][A-Za-z0-9_.]*)
  | (?P<op>&&|\|\||<>|<=|>=|==|[-+*/^&=<>])
  | (?P<punct>[(),{}])
    """,
    re.X | re.S,
)


def tokens(text: str) -> list[Token]:
    found, at = [], 0
    while at < len(text):
        match = TOKEN.match(text, at)
        if match is None:
            raise DaxError(f"unexpected {text[at]!r} at {at}")
        kind = match.lastgroup or ""
        if kind != "space":
            found.append(Token(kind, match.group(), at))
        at = match.end()
    found.append(Token("end", "", len(text)))
    return found


# Binding power of each binary operator, loosest first (DAX's precedence table).
BINARY = {"||": 1, "&&": 2, "=": 4, "==": 4, "<>": 4, "<": 4, ">": 4, "<=": 4, ">=": 4, "IN": 4}
BINARY |= {"&": 5, "+": 6, "-": 6, "*": 7, "/": 7, "^": 9}
NOT_POWER = 3
SIGN_POWER = 8
# Deeper nesting than any measure a person writes; past it a hostile text could exhaust the stack.
MAX_DEPTH = 100


class Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokens(text)
        self.at = 0
        self.variables: set[str] = set()
        self.depth = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.at]

    def take(self, text: str | None = None) -> Token:
        token = self.token
        if text is not None and token.text.upper() != text:
            raise DaxError(f"expected {text!r} at {token.at}, found {token.text or 'the end'!r}")
        self.at += 1
        return token

    def parse(self) -> Node:
        if self.token.text == "=":  # a measure written as "= expression"
            self.take()
        node = self.expression(0)
        if self.token.kind != "end":
            raise DaxError(f"unexpected {self.token.text!r} at {self.token.at}")
        return node

    def expression(self, power: int) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise DaxError(f"nested deeper than {MAX_DEPTH} at {self.token.at}")
        try:
            return self._expression(power)
        finally:
            self.depth -= 1

    def _expression(self, power: int) -> Node:
        left = self.prefix()
        while True:
            op = self.token.text.upper() if self.token.kind in ("op", "name") else ""
            strength = BINARY.get(op)
            if strength is None or strength <= power:
                return left
            self.take()
            # ^ binds to the right; the others to the left
            right = self.expression(strength - 1 if op == "^" else strength)
            left = Binary(op, left, right)

    def prefix(self) -> Node:
        token = self.token
        if token.kind == "op" and token.text in "+-":
            self.take()
            return Unary(token.text, self.expression(SIGN_POWER))
        if token.kind == "name" and token.text.upper() == "NOT" and self.tokens[self.at + 1].text != "(":
            self.take()
            return Unary("NOT", self.expression(NOT_POWER))
        if token.kind == "number":
            self.take()
            return Number(token.text)
        if token.kind == "string":
            self.take()
            return String(token.text[1:-1].replace('""', '"'))
        if token.kind == "bracket":
            self.take()
            return ColumnRef(None, _unbracket(token.text))
        if token.kind == "quoted":
            self.take()
            return self.reference(token.text[1:-1].replace("''", "'"))
        if token.kind == "name":
            return self.name()
        if token.text == "(":
            self.take()
            inner = self.expression(0)
            self.take(")")
            return inner
        if token.text == "{":
            return self.table_constructor()
        raise DaxError(f"unexpected {token.text or 'end'!r} at {token.at}")

    def name(self) -> Node:
        token = self.take()
        upper = token.text.upper()
        if upper == "VAR":
            return self.variables_block()
        if self.token.text == "(":
            self.take()
            args: list[Node] = []
            while self.token.text != ")":
                omitted = self.token.text == "," or (args and self.tokens[self.at - 1].text == ",")
                args.append(Omitted() if omitted and self.token.text in ",)" else self.expression(0))
                if self.token.text == ",":
                    self.take()
                elif self.token.text != ")":
                    raise DaxError(f"expected ',' or ')' at {self.token.at}")
            self.take(")")
            return Call(upper, tuple(args))
        if token.text in self.variables:
            return VariableRef(token.text)
        return self.reference(token.text)

    def reference(self, table: str) -> Node:
        if self.token.kind == "bracket":
            return ColumnRef(table, _unbracket(self.take().text))
        return TableRef(table)

    def variables_block(self) -> Node:
        bindings: list[tuple[str, Node]] = []
        while True:
            name = self.take()
            if name.kind != "name":
                raise DaxError(f"expected a variable name at {name.at}")
            self.take("=")
            bindings.append((name.text, self.expression(0)))
            self.variables.add(name.text)
            if self.token.text.upper() == "VAR":
                self.take()
                continue
            self.take("RETURN")
            return Variables(tuple(bindings), self.expression(0))

    def table_constructor(self) -> Node:
        self.take("{")
        rows: list[Node] = []
        while self.token.text != "}":
            rows.append(self.expression(0))
            if self.token.text == ",":
                self.take()
            elif self.token.text != "}":
                raise DaxError(f"expected ',' or '}}' at {self.token.at}")
        self.take("}")
        return TableConstructor(tuple(rows))


def _unbracket(text: str) -> str:
    return text[1:-1].replace("]]", "]")


def parse(text: str) -> Node:
    """The tree of one DAX expression; ``DaxError`` with the position when it is not DAX this
    parser reads."""
    return Parser(text).parse()
