"""Defaults and CHECK constraints: sqlglot reads each T-SQL expression and writes it as MySQL's,
with the few functions whose meaning sqlglot cannot carry named here."""

from __future__ import annotations

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from migrate.schema.findings import Findings
from migrate.schema.model import Column

# The current time, local or UTC: MySQL takes CURRENT_TIMESTAMP as a plain default, UTC only as an
# expression default (MySQL 8.0.13+, MariaDB 10.2+).
LOCAL_NOW = {"GETDATE", "SYSDATETIME", "CURRENT_TIMESTAMP"}
UTC_NOW = {"GETUTCDATE", "SYSUTCDATETIME"}
TEMPORAL = ("DATETIME", "TIMESTAMP")


def _parse(text: str) -> exp.Expr:
    try:
        return sqlglot.parse_one(text, read="tsql")
    except SqlglotError as exc:
        raise ValueError(str(exc).splitlines()[0]) from exc


def _unwrapped(node: exp.Expr) -> exp.Expr:
    """Without the parentheses and literal casts SQL Server's own scripts put around defaults."""
    while True:
        if isinstance(node, exp.Paren) or (
            isinstance(node, exp.Cast | exp.TryCast) and isinstance(_unwrapped(node.this), exp.Literal)
        ):
            node = node.this
        else:
            return node


def _function_name(node: exp.Expr) -> str:
    if isinstance(node, exp.CurrentTimestamp):
        return "GETDATE"
    if isinstance(node, exp.Anonymous):
        return str(node.this).upper()
    if isinstance(node, exp.Func):
        return node.sql_name().upper()
    return ""


def mysql_default(text: str, column: Column, where: str, findings: Findings) -> str | None:
    """The text after DEFAULT for MySQL, or None (with an action) when there is none."""
    try:
        node = _unwrapped(_parse(text))
    except ValueError as exc:
        findings.action(where, f"default {text} could not be read ({exc}); the column has no default")
        return None
    if isinstance(node, exp.Null):
        return "NULL"
    if isinstance(node, exp.National):
        return exp.Literal.string(node.this).sql("mysql")
    if isinstance(node, exp.Literal | exp.Neg | exp.Boolean):
        return node.sql("mysql")
    function = _function_name(node)
    precision = column.type.temporal_precision
    now_suffix = f"({precision})" if precision else ""
    if function in LOCAL_NOW | UTC_NOW:
        if not column.type.sql.startswith(TEMPORAL):
            findings.action(where, f"default {text} is a time, the column is {column.type.sql}: no default")
            return None
        if function in LOCAL_NOW:
            findings.note(
                where, f"default {text} is the server's local time: set the RDS time zone to the source's"
            )
            return f"CURRENT_TIMESTAMP{now_suffix}"
        return f"(UTC_TIMESTAMP{now_suffix})"
    if isinstance(node, exp.NextValueFor):
        findings.action(
            where,
            f"default {text} takes the next value of a sequence, which MySQL lacks: no default;"
            " use AUTO_INCREMENT or set the value in the application",
        )
        return None
    if isinstance(node, exp.Uuid) or function in {"NEWID", "NEWSEQUENTIALID", "UUID"}:
        if function == "NEWSEQUENTIALID":
            findings.note(where, "NEWSEQUENTIALID() becomes UUID(): new values are random, not increasing")
        return "(UUID())"
    findings.note(
        where, f"default {text} is an expression, written for MySQL as ({node.sql('mysql')}): check it"
    )
    return f"({node.sql('mysql')})"


def mysql_check(text: str, where: str, findings: Findings) -> str | None:
    """A CHECK's condition for MySQL, or None (with an action) when it cannot keep its meaning."""
    try:
        node = _parse(text)
    except ValueError as exc:
        findings.action(where, f"CHECK ({text}) could not be read ({exc}) and is not created")
        return None
    for like in node.find_all(exp.Like):
        pattern = like.expression
        if isinstance(pattern, exp.Literal) and "[" in str(pattern.this):
            findings.action(
                where,
                f"CHECK ({text}) uses a LIKE character class, which MySQL's LIKE lacks: not created;"
                " rewrite it with REGEXP",
            )
            return None
    return node.sql("mysql")
