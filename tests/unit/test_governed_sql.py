"""The governed-SQL rewriter alone: each shape it must hold (joins, self-joins, CTEs, subqueries,
UNION, aliases, quoted and schema-qualified names, three dialects), each shape it refuses with
its reason, and a property test on SQLite: the rewritten query returns exactly what the original
returns on a copy of the database holding only the rows the scope allows."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

import pytest
import sqlalchemy
import sqlglot
from hypothesis import HealthCheck, given, settings
from sqlalchemy.sql.elements import TextClause

from contracts.governance import governed_sql
from contracts.governance.governed_sql import BIND, ESCAPED, UngovernableQuery, governed_query, tables_read
from contracts.governance.policy import ScopeValues, SqlDialect
from tests.support.governed_queries import DDL, GOVERNED, TABLES, allowed, queries, rows, scopes

EMEA: dict[str, tuple[str, ScopeValues]] = {"sales": ("region", ["EMEA"])}
DIALECTS: list[SqlDialect] = ["mysql", "postgres", "sqlite"]


def test_the_bind_syntax_is_sqlalchemys_own() -> None:
    assert BIND.pattern == TextClause._bind_params_regex.pattern
    from sqlalchemy.sql import compiler

    assert ESCAPED.pattern == compiler.BIND_PARAMS_ESC.pattern


def filtered_references(text: str, dialect: SqlDialect) -> int:
    """How many derived tables in ``text`` filter sales by its region."""
    tree = sqlglot.parse_one(text.replace(":", "__p_"), read=dialect)
    return sum(
        1
        for sub in tree.find_all(sqlglot.exp.Subquery)
        if isinstance(sub.this, sqlglot.exp.Select)
        and sub.this.args.get("where") is not None
        and "region" in sub.this.args["where"].sql()
    )


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize(
    ("query", "references"),
    [
        ("SELECT id FROM sales", 1),
        ("SELECT s.id FROM sales s", 1),
        ("SELECT s.id FROM sales AS s JOIN products p ON s.product = p.product", 1),
        ("SELECT a.id, b.id FROM sales a JOIN sales b ON a.product = b.product", 2),
        ("WITH t AS (SELECT * FROM sales) SELECT t.id FROM t", 1),
        ("SELECT p.product FROM products p WHERE p.product IN (SELECT s.product FROM sales s)", 1),
        ("SELECT p.product, (SELECT COUNT(*) FROM sales s WHERE s.product = p.product) FROM products p", 1),
        ("SELECT p.product FROM products p WHERE EXISTS (SELECT 1 FROM sales s WHERE s.id = 1)", 1),
        ("SELECT product FROM sales UNION SELECT product FROM products", 1),
        ("SELECT product FROM sales UNION ALL SELECT product FROM sales", 2),
        ("SELECT x.region FROM (SELECT * FROM sales) x", 1),
        ("SELECT id FROM SALES", 1),
        ("SELECT reporting.id FROM reporting.sales reporting", 1),
    ],
)
def test_every_reference_reads_a_filtered_derived_table(
    dialect: SqlDialect, query: str, references: int
) -> None:
    assert tables_read(query, dialect, ["sales"]) == {"sales"}
    text, binds = governed_query(query, dialect, EMEA)
    assert filtered_references(text, dialect) == references, text
    assert binds == {"_scope0_0": "EMEA"}


@pytest.mark.parametrize(
    ("dialect", "query", "inner"),
    [
        ("mysql", "SELECT s.id FROM `sales` s", "FROM `sales` WHERE `region`"),
        ("postgres", 'SELECT "Sales".id FROM "Sales"', 'FROM "Sales" WHERE "region"'),
        ("sqlite", 'SELECT "s".id FROM "sales" AS "s"', 'FROM "sales" WHERE "region"'),
        ("postgres", "SELECT s.id FROM public.sales s", "FROM public.sales WHERE"),
        ("postgres", "SELECT s.id FROM ONLY sales s", "FROM ONLY sales WHERE"),
    ],
)
def test_quoted_and_qualified_names_keep_their_spelling(dialect: SqlDialect, query: str, inner: str) -> None:
    text, _ = governed_query(query, dialect, EMEA)
    assert inner in text, text


def test_an_alias_stays_the_name_the_query_uses() -> None:
    text, _ = governed_query("SELECT s.id FROM sales s WHERE s.units > :n", "sqlite", EMEA, ["n"])
    assert (
        text
        == 'SELECT s.id FROM (SELECT * FROM sales WHERE "region" IN (:_scope0_0)) AS s WHERE s.units > :n'
    )


def test_an_unrestricted_scope_reads_the_table_whole_and_an_empty_one_no_row() -> None:
    whole, binds = governed_query("SELECT id FROM sales", "sqlite", {"sales": ("region", "*")})
    assert (whole, binds) == ("SELECT id FROM sales", {})
    none, binds = governed_query("SELECT id FROM sales", "sqlite", {"sales": ("region", [])})
    assert "WHERE 1 = 0" in none and binds == {}


def test_values_are_bound_never_written_into_the_text() -> None:
    hostile = "EMEA') OR 1=1 --"
    text, binds = governed_query("SELECT id FROM sales", "mysql", {"sales": ("region", [hostile, 3, True])})
    assert hostile not in text and "1=1" not in text
    assert binds == {"_scope0_0": hostile, "_scope0_1": 3, "_scope0_2": True}


def test_scope_binds_never_take_a_params_name() -> None:
    text, binds = governed_query("SELECT id FROM sales WHERE id > :_scope0_0", "sqlite", EMEA, ["_scope0_0"])
    assert set(binds) == {"__scope0_0"} and ":_scope0_0" in text and ":__scope0_0" in text


def test_the_query_own_binds_and_escaped_colons_survive() -> None:
    """text() reads ``:word`` as a bind, so a colon in a string is written ``\\:``; the rewrite
    keeps what reaches the server the same."""
    query = "SELECT id, 'at \\:noon' AS t, '10:30' AS u FROM sales WHERE day >= :since AND units < :most"
    text, _ = governed_query(query, "sqlite", EMEA, ["since", "most"])
    compiled = sqlalchemy.text(text).compile()
    assert set(compiled.params) == {"since", "most", "_scope0_0"}
    assert "'at :noon' AS t, '10:30' AS u" in str(compiled)


def test_the_text_is_made_once_per_shape_of_scope() -> None:
    governed_sql._rewritten.cache_clear()
    one_value_each: list[ScopeValues] = [["EMEA"], ["AMER"], ["APAC"]]
    for values in one_value_each:
        governed_query("SELECT id FROM sales", "sqlite", {"sales": ("region", values)})
    governed_query("SELECT id FROM sales", "sqlite", {"sales": ("region", ["EMEA", "AMER"])})
    assert governed_sql._rewritten.cache_info().misses == 2


@pytest.mark.parametrize(
    ("dialect", "query", "reason"),
    [
        ("sqlite", "SELECT id FROM sales; SELECT 1", "holds 2 statements"),
        ("sqlite", "SELECT id FROM sales; DROP TABLE sales", "holds 2 statements"),
        ("mysql", "SELECT * INTO t2 FROM sales", "SELECT INTO writes a table"),
        ("postgres", "SELECT * INTO t2 FROM sales", "SELECT INTO writes a table"),
        ("mysql", "SELECT 1 /*! , (SELECT region FROM sales) */", "executable comment"),
        ("mysql", "SELECT 1 /*M!100000 , (SELECT region FROM sales) */", "executable comment"),
        ("postgres", "SELECT * FROM generate_series(1, 3)", "table function"),
        ("sqlite", "SELECT * FROM json_each('[1]')", "table function"),
        ("mysql", "SELECT * FROM JSON_TABLE('[]', '$[*]' COLUMNS (a INT PATH '$')) jt", "table function"),
        ("mysql", "PREPARE s FROM 'SELECT * FROM sales'", "only a SELECT can be governed"),
        ("postgres", "DO $$ BEGIN PERFORM 1; END $$", "only a SELECT can be governed"),
        ("sqlite", "DELETE FROM sales", "only a SELECT can be governed"),
        ("postgres", "WITH d AS (DELETE FROM sales RETURNING *) SELECT * FROM d", "which is not a read"),
        (
            "sqlite",
            "WITH sales AS (SELECT 1 AS id) SELECT id FROM sales",
            "CTE is named like the governed table",
        ),
        (
            "postgres",
            "SELECT product FROM sales s JOIN products p ON s.id = p.id",
            "'product' is not qualified",
        ),
        ("postgres", "SELECT test.sales.region FROM test.sales", "names a governed table's schema"),
        ("sqlite", "SELECT id FROM sales WHERE", "cannot be parsed as sqlite"),
        ("sqlite", "SELECT id FROM sales WHERE x = \\:y", "are not the ones its parse found"),
    ],
)
def test_shapes_it_cannot_hold_are_refused_with_the_reason(
    dialect: SqlDialect, query: str, reason: str
) -> None:
    with pytest.raises(UngovernableQuery, match=re.escape(reason)):
        tables_read(query, dialect, ["sales"])
    with pytest.raises(UngovernableQuery, match=re.escape(reason)):
        governed_query(query, dialect, EMEA)


def test_a_query_over_no_governed_table_is_not_held_to_the_join_rules() -> None:
    assert (
        tables_read("SELECT product FROM products p JOIN stock s ON p.id = s.id", "sqlite", ["sales"])
        == set()
    )


def database(scope: dict[str, ScopeValues] | None) -> sqlite3.Connection:
    """The three tables; with ``scope``, the governed ones hold only the rows it allows."""
    db = sqlite3.connect(":memory:")
    for table, ddl in DDL.items():
        db.execute(ddl)
        kept = [r for r in rows(table) if scope is None or allowed(table, r, scope)]
        db.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(TABLES[table]))})", kept)
    return db


FULL = database(None)


def result(db: sqlite3.Connection, query: str, binds: dict[str, Any]) -> list[tuple[Any, ...]]:
    return sorted(db.execute(query, binds).fetchall(), key=repr)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=queries(), scope=scopes)
def test_the_rewritten_query_sees_exactly_the_scopes_rows(query: str, scope: dict[str, ScopeValues]) -> None:
    text, binds = governed_query(query, "sqlite", {t: (GOVERNED[t], scope[t]) for t in GOVERNED})
    assert result(FULL, text, binds) == result(database(scope), query, {}), (query, text)
