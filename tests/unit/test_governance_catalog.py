"""Governed tables in the catalog: what each report reads is settled at load, and every catalog
that could let a report show governed rows unfiltered is refused with the report and the reason."""

from __future__ import annotations

import pytest

from contracts.catalog import CatalogError, parse_catalog

GOVERNED = """
[datasources.demo]
dialect = "sqlite"
[datasources.demo.governed.sales]
column = "region"
entitlement = "region"
unrestricted = ["system:snapshot-engine.scheduler"]
"""
OPEN = 'callers = ["*"]\n'


def sql(name: str, query: str, datasource: str = "demo", extra: str = "") -> str:
    return (
        f'[reports.{name}]\nrenderer = "sql"\nformats = ["csv"]\n{extra}'
        f"[reports.{name}.source]\ndatasource = \"{datasource}\"\nquery = '''{query}'''\n"
        f"[reports.{name}.access]\n{OPEN}"
    )


def browser(name: str, url: str, reads: str | None = '["demo.sales"]') -> str:
    reads_line = f"reads = {reads}\n" if reads is not None else ""
    return (
        f'[reports.{name}]\nrenderer = "browser"\nformats = ["png"]\n{reads_line}'
        f'[reports.{name}.source]\nurl = "{url}"\n[reports.{name}.access]\n{OPEN}'
    )


def test_each_sql_report_reads_what_its_query_reads() -> None:
    catalog = parse_catalog(
        GOVERNED
        + sql("ledger", "SELECT s.id FROM sales s JOIN products p ON s.product = p.product")
        + sql("stock", "SELECT p.product FROM products p")
        + sql("elsewhere", "SELECT id FROM sales", datasource="warehouse")
    )
    assert [r.id for r in catalog.reports["ledger"].governed] == ["demo.sales"]
    assert catalog.reports["stock"].governed == ()
    assert catalog.reports["elsewhere"].governed == (), "a datasource the catalog does not govern"
    assert catalog.reports["ledger"].datasource_spec == catalog.datasources["demo"]


def test_a_dashboard_says_what_it_shows_and_carries_the_scope_in_its_url() -> None:
    catalog = parse_catalog(GOVERNED + browser("chart", "https://dash.example/d?r={scope:demo.sales}"))
    assert [r.id for r in catalog.reports["chart"].governed] == ["demo.sales"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            GOVERNED + sql("x", "SELECT id FROM sales; SELECT 1"),
            "report 'x': its query reads governed data and",
        ),
        (
            GOVERNED + sql("x", "SELECT region FROM sales s JOIN t ON s.id = t.id"),
            "'region' is not qualified",
        ),
        (GOVERNED + sql("x", "SELECT * FROM json_each('[]')"), "table function"),
        (GOVERNED + sql("x", "SELECT id FROM sales", extra='reads = ["demo.sales"]\n'), "remove reads"),
        (GOVERNED + browser("x", "https://d.example/", reads=None), "must say which governed tables"),
        (
            GOVERNED + browser("x", "https://d.example/{scope:demo.sales}", reads='["demo.other"]'),
            "not governed",
        ),
        (
            GOVERNED + browser("x", "https://d.example/?r=1"),
            "does not carry the scope: add {scope:demo.sales}",
        ),
        (GOVERNED + browser("x", "https://d.example/?r={scope:demo.sales}", reads="[]"), "it does not read"),
        (GOVERNED.replace('dialect = "sqlite"', 'dialect = "oracle"'), "dialect"),
        (GOVERNED.replace('unrestricted = ["system', 'unrestricted = ["*", "system'), "never '*'"),
        (GOVERNED.replace('column = "region"', 'column = "region; DROP TABLE x"'), "column"),
        (GOVERNED.replace('column = "region"', 'column = "region`"'), "column"),
        (GOVERNED.replace("governed.sales]", 'governed."sales s"]'), "not a plain table name"),
        (
            GOVERNED + '[datasources.demo.governed.SALES]\ncolumn = "r"\nentitlement = "r"\n',
            "differ only in case",
        ),
        (GOVERNED.replace('entitlement = "region"', 'entitlement = "re gion"'), "entitlement"),
        (
            GOVERNED
            + sql("x", "SELECT id FROM sales", extra="").replace(
                'renderer = "sql"', 'renderer = "quicksight"'
            ),
            "must say which governed tables",
        ),
        (
            '[reports.x]\nrenderer = "quicksight"\nformats = ["pdf"]\n'
            '[reports.x.source]\nrow_level_tags = { region = "{region}" }\n[reports.x.access]\n' + OPEN,
            "row_level_tags is gone",
        ),
    ],
)
def test_a_catalog_that_could_show_governed_rows_unfiltered_is_refused(text: str, message: str) -> None:
    with pytest.raises(CatalogError, match=message.replace("(", "\\(").replace("{", "\\{")):
        parse_catalog(text if "[reports." in text else text + sql("x", "SELECT 1"))


def test_a_catalog_with_no_governed_table_needs_no_reads() -> None:
    catalog = parse_catalog(browser("chart", "https://d.example/?r=1", reads=None))
    assert catalog.reports["chart"].governed == ()
