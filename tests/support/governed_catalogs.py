"""What the governance tests share: the declaration of a datasource whose ``sales`` table a
``region`` entitlement scopes, a report over it (TOML), and the params a caller may send to try
to see past their scope."""

from __future__ import annotations

from typing import Any

from contracts.catalog import ReportSpec


def governed_sales(
    datasource: str = "demo", dialect: str = "sqlite", table: str = "sales", unrestricted: str = ""
) -> str:
    """``unrestricted``: a TOML list's inside, such as ``"system:snapshot-engine.scheduler"``."""
    return f"""
[datasources.{datasource}]
dialect = "{dialect}"
[datasources.{datasource}.governed.{table}]
column = "region"
entitlement = "region"
unrestricted = [{unrestricted}]
"""


def ledger_report(query: str = "SELECT id, region FROM sales") -> str:
    """A sql report ``ledger`` over the ``demo`` datasource, open to every caller (TOML)."""
    return f"""
[reports.ledger]
renderer = "sql"
formats = ["csv"]
[reports.ledger.source]
datasource = "demo"
query = "{query}"
[reports.ledger.access]
callers = ["*"]
"""


# What a caller may send for a region-like param to see past their scope: another region, a
# wrong case, a smuggled list, an injection, the match-all text, nothing.
HOSTILE_REGIONS = ["AMER", "APAC", "emea", "EMEA,AMER", "EMEA' OR '1'='1", "*", ""]


def hostile_params(report: ReportSpec) -> list[dict[str, Any]]:
    """Every param left out, then each text param set to each hostile value; dates and bounded
    integers at their widest."""
    cases: list[dict[str, Any]] = [{}]
    for name, spec in report.params.items():
        if spec.type == "string":
            cases += [{name: value} for value in HOSTILE_REGIONS]
        elif spec.type == "date":
            cases.append({name: "1970-01-01"})
        elif spec.type == "integer" and spec.max is not None:
            cases.append({name: int(spec.max)})
    return cases
