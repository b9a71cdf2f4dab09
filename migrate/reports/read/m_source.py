"""Which source table a Power Query (M) import reads: the navigation step
``Source{[Schema="dbo",Item="sales"]}[Data]`` that every database connector writes. A native
query or any other shape has no source here (the conversion makes it a finding)."""

from __future__ import annotations

import re

from migrate.reports.model import Source

NAVIGATION = re.compile(
    r'\{\s*\[\s*(?:Schema\s*=\s*"((?:[^"]|"")*)"\s*,\s*)?Item\s*=\s*"((?:[^"]|"")*)"\s*\]\s*\}\s*\[\s*Data\s*\]'
)
NATIVE_QUERY = re.compile(r"\bQuery\s*=", re.I)


def source_of(m: str) -> Source | None:
    if NATIVE_QUERY.search(m):
        return None
    found = NAVIGATION.findall(m)
    if len(found) != 1:
        return None
    schema, table = found[0]
    return Source(schema.replace('""', '"') or None, table.replace('""', '"'))
