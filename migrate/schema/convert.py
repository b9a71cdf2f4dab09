"""One T-SQL script to one MySQL script, with the findings a person must read."""

from __future__ import annotations

from dataclasses import dataclass

from migrate.schema.findings import Findings
from migrate.schema.read_tsql import Schema
from migrate.schema.write_mysql import write


@dataclass(frozen=True)
class Conversion:
    ddl: str
    tables: list[str]
    findings: Findings

    @property
    def complete(self) -> bool:
        """Nothing for a person to act on (notes may remain)."""
        return not self.findings.actions


def convert(script: str) -> Conversion:
    """Raises DdlError (its message names the line) for DDL that cannot be read at all."""
    findings = Findings()
    schema = Schema(findings)
    schema.read(script)
    tables = list(schema.tables.values())
    return Conversion(write(tables, findings), [t.where for t in tables], findings)
