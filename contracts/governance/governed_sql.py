"""A report's SQL held to its governed tables: every reference to one reads a filtered derived
table, ``(SELECT * FROM sales WHERE region IN (:_scope0_0)) AS sales``, wherever it is (joins,
subqueries, CTEs, set operations), so no report's author can read past a caller's scope.

The query is parsed with sqlglot in its datasource's dialect and *regenerated* from the tree: what
runs is what was analysed, never the author's text beside it. The catalog's queries are SQLAlchemy
``text()``: ``:name`` binds and ``\\:`` escapes, which this module reads and writes the same way.
The scope's values are binds too, so they travel as the report's own params do (bound on the row
path, typed literals on the fast path). A query this module cannot hold to its governed tables
is refused with the reason (``UngovernableQuery``) at catalog load; it never runs unfiltered.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.optimizer.scope import traverse_scope

from contracts.governance.policy import ALL_ROWS, ScopeValues, SqlDialect

# SQLAlchemy text()'s bind and escape syntax (tests/unit/test_governed_sql.py holds them to it).
BIND = re.compile(r"(?<![:\w\x5c]):(\w+)(?![:\w])")
ESCAPED = re.compile(r"\x5c(:\w*)(?![:\w])")
# MySQL and MariaDB run the text of /*! ... */ and /*M! ... */ comments; a parser skips it.
EXECUTABLE_COMMENT = re.compile(r"/\*M?!")
MARKER_TEXT = "__snapshot_engine_bind_"
MARKER = MARKER_TEXT + "{}__"
WRITES = (exp.Insert, exp.Update, exp.Delete, exp.Merge, exp.Create, exp.Drop, exp.Alter, exp.Command)
# sqlglot logs a warning for each statement it falls back to parsing as a Command; that statement
# is refused with a reason of its own.
logging.getLogger("sqlglot").setLevel(logging.ERROR)


class UngovernableQuery(ValueError):
    """The query cannot be held to its governed tables; the message says why."""


def tables_read(query: str, dialect: SqlDialect, governed: Iterable[str]) -> frozenset[str]:
    """The governed tables (lower-cased names) the query reads; ``UngovernableQuery`` for a
    query whose reads cannot be known for certain."""
    names = frozenset(name.lower() for name in governed)
    root = _parse(query, dialect)
    read = frozenset(table.name.lower() for table in _governed_tables(root, names))
    if read:
        _refuse_unqualified_columns(root, read)
    return read


def governed_query(
    query: str,
    dialect: SqlDialect,
    scopes: Mapping[str, tuple[str, ScopeValues]],
    params: Iterable[str] = (),
) -> tuple[str, dict[str, Any]]:
    """The query with each governed table it reads filtered to its scope, and the scope's binds.

    ``scopes``: table name -> (its governed column, the caller's scope of it). A table whose scope
    is ``"*"`` is read whole; an empty scope reads no row of it."""
    prefix = _bind_prefix(query, params)
    shape = tuple(
        sorted(
            (table.lower(), column, None if values == ALL_ROWS else len(values))
            for table, (column, values) in scopes.items()
        )
    )
    text = _rewritten(query, dialect, shape, prefix)
    binds: dict[str, Any] = {}
    for index, (table, _, count) in enumerate(shape):
        if count is None:
            continue
        values = next(v for name, (_, v) in scopes.items() if name.lower() == table)
        binds.update({f"{prefix}{index}_{n}": value for n, value in enumerate(values)})
    return text, binds


@functools.lru_cache(maxsize=512)
def _rewritten(
    query: str, dialect: SqlDialect, shape: tuple[tuple[str, str, int | None], ...], prefix: str
) -> str:
    """The rewritten text depends on the scope's shape only (how many values per table), not on
    the values: it is made once per shape and the values are bound."""
    if MARKER_TEXT in query:
        raise UngovernableQuery("the query contains the rewriter's own marker text")
    root = _parse(query, dialect)
    filters = {table: (index, column, count) for index, (table, column, count) in enumerate(shape)}
    references = _governed_tables(root, frozenset(filters))
    if references:
        _refuse_unqualified_columns(root, frozenset(t.name.lower() for t in references))
    for table in references:
        index, column, count = filters[table.name.lower()]
        if count is not None:
            table.replace(_filtered(table, column, [f"{prefix}{index}_{n}" for n in range(count)]))
    names = sorted({p.name for p in root.find_all(exp.Placeholder)})
    for placeholder in list(root.find_all(exp.Placeholder)):
        placeholder.replace(exp.var(MARKER.format(names.index(placeholder.name))))
    generated = root.sql(dialect=dialect, comments=False)
    # A colon the generator wrote that text() would read as a bind (in a string, say) is escaped.
    escaped = BIND.sub(lambda m: "\\" + m.group(0), generated)
    text = re.sub(MARKER.format(r"(\d+)"), lambda m: ":" + names[int(m.group(1))], escaped)
    if sorted(set(BIND.findall(text))) != names:
        raise UngovernableQuery("the rewritten query's binds differ from the query's own")
    return text


def _filtered(table: exp.Table, column: str, binds: list[str]) -> exp.Subquery:
    inner = table.copy()
    alias = table.args.get("alias")
    inner.set("alias", None)
    name = alias.this if alias is not None else table.this.copy()
    condition: exp.Expression
    if binds:
        condition = exp.In(
            this=exp.column(exp.to_identifier(column, quoted=True)),
            expressions=[exp.Placeholder(this=b) for b in binds],
        )
    else:
        condition = exp.EQ(this=exp.Literal.number(1), expression=exp.Literal.number(0))
    return exp.select("*").from_(inner).where(condition).subquery(alias=name, copy=False)


@functools.lru_cache(maxsize=512)
def _parsed(query: str, dialect: SqlDialect) -> exp.Query:
    binds = set(BIND.findall(query))
    if dialect == "mysql" and EXECUTABLE_COMMENT.search(query):
        raise UngovernableQuery("an executable comment (/*! ... */) runs SQL no parser sees")
    try:
        statements = [s for s in sqlglot.parse(ESCAPED.sub(r"\1", query), read=dialect) if s is not None]
    except SqlglotError as exc:
        raise UngovernableQuery(f"the query cannot be parsed as {dialect}: {_first_line(exc)}") from exc
    if len(statements) != 1:
        raise UngovernableQuery(f"the query holds {len(statements)} statements; one SELECT is allowed")
    root = statements[0]
    if not isinstance(root, exp.Query):
        raise UngovernableQuery(f"only a SELECT can be governed, not {_kind(root)}")
    for node in root.walk():
        if isinstance(node, WRITES):
            raise UngovernableQuery(f"the query holds {_kind(node)}, which is not a read")
        if isinstance(node, exp.Select) and node.args.get("into") is not None:
            raise UngovernableQuery("SELECT INTO writes a table; a report only reads")
    found = {p.name for p in root.find_all(exp.Placeholder)}
    if found != binds or any(not p.name for p in root.find_all(exp.Placeholder)):
        raise UngovernableQuery(
            f"the query's :params ({sorted(binds)}) are not the ones its parse found ({sorted(found)})"
        )
    return root


def _parse(query: str, dialect: SqlDialect) -> exp.Query:
    """A fresh copy of the (cached) parse, free to be rewritten."""
    return _parsed(query, dialect).copy()


def _governed_tables(root: exp.Expr, names: frozenset[str]) -> list[exp.Table]:
    """Every reference to a governed table: a CTE may not take a governed table's name (its
    references could not be told from the table's), and a table function is refused (it can read
    anything)."""
    ctes = {cte.alias_or_name.lower() for cte in root.find_all(exp.CTE)}
    shadowing = sorted(ctes & names)
    if shadowing:
        raise UngovernableQuery(f"a CTE is named like the governed table {shadowing[0]!r}; rename it")
    found = []
    for table in root.find_all(exp.Table):
        if not isinstance(table.this, exp.Identifier):
            raise UngovernableQuery(f"a table function ({table.this.sql()[:60]}) reads what no rule sees")
        if table.name.lower() in names:
            found.append(table)
    for column in root.find_all(exp.Column):
        if column.args.get("db") is not None and column.table.lower() in names:
            raise UngovernableQuery(f"{column.sql()!r} names a governed table's schema; use its alias")
    return found


def _refuse_unqualified_columns(root: exp.Expr, read: frozenset[str]) -> None:
    """In a SELECT over two or more sources, every column names its table: which table an
    unqualified one belongs to cannot be known without the database's schema."""
    try:
        scopes = traverse_scope(root)
    except SqlglotError as exc:
        raise UngovernableQuery(f"the query's scopes cannot be analysed: {_first_line(exc)}") from exc
    for scope in scopes:
        if len(scope.selected_sources) < 2:
            continue
        for column in scope.unqualified_columns:
            sources = ", ".join(sorted(scope.selected_sources))
            raise UngovernableQuery(
                f"column {column.name!r} is not qualified in a query over {sources};"
                f" write <table>.{column.name}"
            )


def _bind_prefix(query: str, params: Iterable[str]) -> str:
    taken = set(params) | set(BIND.findall(query))
    prefix = "_scope"
    while any(name.startswith(prefix) for name in taken):
        prefix = "_" + prefix
    return prefix


def _kind(node: exp.Expr) -> str:
    return node.key.upper() if not isinstance(node, exp.Command) else f"a {node.name} command"


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
