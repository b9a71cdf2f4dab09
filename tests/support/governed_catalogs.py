"""The governed-table declaration the tests' catalogs share: a datasource whose ``sales`` table a
``region`` entitlement scopes (TOML, to put in front of a catalog's reports)."""

from __future__ import annotations


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
