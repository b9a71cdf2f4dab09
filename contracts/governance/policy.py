"""The report catalog's ``[datasources.<name>]`` tables: how a datasource's SQL is read, and which
of its tables are governed, by which column and entitlement.

```toml
[datasources.demo]
dialect = "sqlite"                 # mysql (MariaDB too), postgres or sqlite

[datasources.demo.governed.sales]
column = "region"                  # the rows a caller sees: this column's value ...
entitlement = "region"             # ... is one of theirs in the entitlements table
unrestricted = ["system:snapshot-engine.scheduler"]   # see every row
```

A caller's *scope* of a governed table is ``"*"`` (every row: the caller matches
``unrestricted``) or the list of values they may see (empty: no row). It is part of the
snapshot's identity, travels in the job and is what the SQL rewrite, QuickSight's row-level
tags and a dashboard URL are filled from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

SqlDialect = Literal["mysql", "postgres", "sqlite"]
IDENTIFIER = r"^[A-Za-z_][A-Za-z0-9_$]{0,63}$"
ENTITLEMENT_NAME = r"^\w{1,64}$"
ALL_ROWS: Literal["*"] = "*"
# A scope's values are what the entitlements table holds: text, numbers, booleans.
ScopeValues = list[str | int | float | bool] | Literal["*"]
Scope = dict[str, ScopeValues]  # governed table id ("demo.sales") -> its values, or "*"
# Bounds a scope so it always fits Step Functions' 256 KB input, SQS's 256 KB body and DynamoDB's
# 400 KB item with room to spare: a caller entitled to more sees them through an unrestricted role.
MAX_SCOPE_VALUES = 500
MAX_SCOPE_VALUE_CHARS = 256


class GovernedTable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    column: str = Field(pattern=IDENTIFIER)
    entitlement: str = Field(pattern=ENTITLEMENT_NAME)
    unrestricted: tuple[str, ...] = ()
    # How the scope is written as text, for QuickSight's row-level tags and a dashboard's URL:
    # these must match the QuickSight data set's tag rule (TagMultiValueDelimiter, MatchAllValue).
    tag_key: str | None = Field(default=None, min_length=1, max_length=128)
    delimiter: str = Field(default=",", min_length=1, max_length=10)
    match_all: str = Field(default=ALL_ROWS, min_length=1, max_length=256)

    @field_validator("unrestricted")
    @classmethod
    def _subjects(cls, subjects: tuple[str, ...]) -> tuple[str, ...]:
        for subject in subjects:
            if subject == "*" or not subject.strip():
                raise ValueError("unrestricted names subjects (ARN patterns, group:, system:), never '*'")
        return subjects

    @property
    def quicksight_tag(self) -> str:
        return self.tag_key or self.column


class DatasourceSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    dialect: SqlDialect
    governed: dict[str, GovernedTable] = Field(default_factory=dict)

    @field_validator("governed")
    @classmethod
    def _table_names(cls, governed: dict[str, GovernedTable]) -> dict[str, GovernedTable]:
        lowered = [name.lower() for name in governed]
        for name in governed:
            if not re.match(IDENTIFIER, name):
                raise ValueError(f"governed table {name!r} is not a plain table name")
        if len(set(lowered)) != len(lowered):
            raise ValueError("governed tables differ only in case: a table name matches in any case")
        return governed


@dataclass(frozen=True)
class GovernedRead:
    """A governed table a report reads: ``id`` is ``<datasource>.<table>``, the scope's key."""

    datasource: str
    table: str
    spec: GovernedTable

    @property
    def id(self) -> str:
        return f"{self.datasource}.{self.table}"


def governed_reads(datasources: dict[str, DatasourceSpec]) -> dict[str, GovernedRead]:
    """Every governed table of a catalog, by id."""
    return {
        read.id: read
        for name, source in datasources.items()
        for read in (GovernedRead(name, table, spec) for table, spec in source.governed.items())
    }


def canonical_values(values: Any) -> ScopeValues:
    """One spelling of a scope's values, so equal scopes hash alike: ``"*"``, or sorted and unique."""
    if values == ALL_ROWS:
        return "*"
    unique = {(type(v).__name__, v) for v in values}
    return [v for _, v in sorted(unique, key=lambda pair: (pair[0], str(pair[1])))]
