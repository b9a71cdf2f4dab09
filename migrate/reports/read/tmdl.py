"""The semantic model as TMDL, a PBIP's ``definition/`` folder: ``tables/*.tmdl``,
``relationships.tmdl`` and ``roles/*.tmdl``.

TMDL is indentation-structured: an object is ``<kind> <name>[ = <expression>]``, its properties
(``key: value``, or a bare flag) and children one level deeper, and a multi-line expression
(after a bare ``=``) two levels deeper, or between ``` fences."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from migrate.reports.model import Column, Measure, Relationship, Role, SemanticModel, Table
from migrate.reports.read.errors import UnreadableReport
from migrate.reports.read.m_source import source_of

KINDS = {
    "model", "database", "table", "column", "measure", "partition", "hierarchy", "level",
    "relationship", "role", "tablePermission", "member", "annotation", "expression", "culture",
    "perspective", "dataSource", "ref", "calculationGroup", "calculationItem", "variation",
    "changedProperty", "extendedProperty", "linguisticMetadata", "queryGroup", "perspectiveTable",
    "perspectiveColumn", "perspectiveMeasure", "columnPermission", "cultureInfo",
}  # fmt: skip
PROPERTY = re.compile(r"^([A-Za-z][A-Za-z0-9]*)\s*[:=]\s*(.*)$")  # key: value, or key = expression


@dataclass
class Node:
    kind: str
    name: str
    expression: str | None = None
    properties: dict[str, str] = field(default_factory=dict)
    children: list[Node] = field(default_factory=list)


def _depth(line: str) -> int:
    stripped = line.lstrip("\t ")
    indent = line[: len(line) - len(stripped)]
    return indent.count("\t") + indent.count(" ") // 4


def _name(rest: str) -> tuple[str, str]:
    """A possibly quoted name, and what follows it."""
    rest = rest.strip()
    if rest.startswith("'"):
        end = 1
        while True:
            end = rest.find("'", end)
            if end < 0:
                raise UnreadableReport(f"unterminated quoted name: {rest[:60]!r}")
            if rest[end : end + 2] == "''":
                end += 2
                continue
            return rest[1:end].replace("''", "'"), rest[end + 1 :]
    match = re.match(r"([^\s=]+)(.*)$", rest)
    return (match[1], match[2]) if match else ("", rest)


def parse_tmdl(text: str, where: str) -> list[Node]:
    lines = [line.rstrip("\r") for line in text.split("\n")]
    roots: list[Node] = []
    stack: list[tuple[int, Node]] = []
    n = 0
    while n < len(lines):
        line = lines[n]
        n += 1
        stripped = line.strip()
        if not stripped or stripped.startswith("///"):
            continue
        depth = _depth(line)
        while stack and stack[-1][0] >= depth:
            stack.pop()
        word = stripped.split(None, 1)[0]
        property_match = PROPERTY.match(stripped)
        if word in KINDS and not (property_match and property_match[1] == word):
            name, rest = _name(stripped[len(word) :])
            node = Node(word, name)
            rest = rest.strip()
            if rest.startswith("="):
                inline = rest[1:].strip()
                if inline and inline != "```":
                    node.expression = inline
                else:
                    node.expression, n = _block(lines, n, depth, fenced=inline == "```")
            (stack[-1][1].children if stack else roots).append(node)
            stack.append((depth, node))
        elif stack:
            key, value = (property_match[1], property_match[2]) if property_match else (stripped, "true")
            if value.strip() in ("", "```"):  # a property whose value is an expression block
                value, n = _block(lines, n, depth, fenced=value.strip() == "```")
            stack[-1][1].properties[key] = value.strip()
        else:
            raise UnreadableReport(f"{where} line {n}: {stripped[:60]!r} belongs to no object")
    return roots


def _block(lines: list[str], n: int, depth: int, fenced: bool) -> tuple[str, int]:
    """The lines of a multi-line expression: deeper than its owner's properties, or fenced."""
    taken: list[str] = []
    while n < len(lines):
        line = lines[n]
        if fenced:
            n += 1
            if line.strip() == "```":
                break
            taken.append(line)
            continue
        if line.strip() and _depth(line) <= depth + 1:
            break
        taken.append(line)
        n += 1
    while taken and not taken[-1].strip():
        taken.pop()
    indent = min((_depth(t) for t in taken if t.strip()), default=0)
    return "\n".join(t.lstrip("\t ") if _depth(t) <= indent else t[indent:] for t in taken).strip(), n


def _column_ref(value: str) -> tuple[str, str]:
    """``Sales.product`` or ``'Sales Table'.'Product Name'``."""
    table, rest = _name(value)
    if not rest.startswith("."):
        raise UnreadableReport(f"{value!r} is not Table.Column")
    column, _ = _name(rest[1:])
    return table, column


def model_of_folder(definition: Path) -> SemanticModel:
    """A PBIP semantic model's ``definition`` folder."""
    tables: list[Table] = []
    for path in sorted((definition / "tables").glob("*.tmdl")):
        for node in parse_tmdl(_read(path), str(path)):
            if node.kind == "table":
                tables.append(_table(node))
    relationships: list[Relationship] = []
    if (definition / "relationships.tmdl").exists():
        path = definition / "relationships.tmdl"
        for node in parse_tmdl(_read(path), str(path)):
            if node.kind == "relationship":
                relationships.append(_relationship(node, str(path)))
    roles: list[Role] = []
    for path in sorted((definition / "roles").glob("*.tmdl")):
        roles += [_role(node) for node in parse_tmdl(_read(path), str(path)) if node.kind == "role"]
    if not tables:
        raise UnreadableReport(f"{definition} holds no table")
    return SemanticModel(tuple(tables), tuple(relationships), tuple(roles))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableReport(f"{path} is not UTF-8 text") from exc


def _table(node: Node) -> Table:
    columns, measures = [], []
    m = None
    for child in node.children:
        if child.kind == "column":
            columns.append(
                Column(
                    child.name,
                    child.properties.get("dataType", "string"),
                    child.expression,
                    child.properties.get("sourceColumn"),
                )
            )
        elif child.kind == "measure":
            measures.append(Measure(child.name, node.name, child.expression or ""))
        elif child.kind == "partition" and child.expression == "m":
            m = child.properties.get("source")
    return Table(
        node.name,
        tuple(columns),
        tuple(measures),
        source_of(m) if m else None,
        m,
        node.properties.get("isHidden") == "true",
    )


def _relationship(node: Node, where: str) -> Relationship:
    try:
        from_table, from_column = _column_ref(node.properties["fromColumn"])
        to_table, to_column = _column_ref(node.properties["toColumn"])
    except KeyError as exc:
        raise UnreadableReport(f"{where}: relationship {node.name} has no {exc}") from exc
    return Relationship(
        from_table,
        from_column,
        to_table,
        to_column,
        active=node.properties.get("isActive", "true") != "false",
        both_directions=node.properties.get("crossFilteringBehavior") == "bothDirections",
    )


def _role(node: Node) -> Role:
    filters = {c.name: c.expression or "" for c in node.children if c.kind == "tablePermission"}
    members = tuple(c.name for c in node.children if c.kind == "member")
    return Role(node.name, filters, members)
