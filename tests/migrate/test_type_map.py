"""The type map in code and in docs/migration.md are the same table, and the conversions the
migration relies on are the ones it names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from migrate.schema.findings import Findings
from migrate.schema.type_map import TYPE_MAP, mysql_type

DOC = Path(__file__).parents[2] / "docs" / "migration.md"


def documented() -> dict[str, str]:
    section = DOC.read_text().split("### The type map", 1)[1].split("\n\n", 3)[2]
    rows = re.findall(r"^\| `([^`]+)` \| (?:`([^`]+)`|not created) \|", section, re.M)
    return {source: target or "not created" for source, target in rows}


def converted(source: str) -> str:
    name, _, params = source.partition("(")
    found = mysql_type(
        name, tuple(p.strip() for p in params.rstrip(")").split(",")) if params else (), "c", Findings()
    )
    return found.sql if found else "not created"


def test_the_docs_table_names_every_type_in_the_map() -> None:
    assert {source.split("(")[0] for source in documented()} == set(TYPE_MAP)


@pytest.mark.parametrize(("source", "target"), sorted(documented().items()))
def test_each_documented_type_converts_as_the_docs_say(source: str, target: str) -> None:
    assert converted(source) == target


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("NVARCHAR(200)", "VARCHAR(200)"),
        ("NVARCHAR(MAX)", "LONGTEXT"),
        ("DATETIME2(3)", "DATETIME(3)"),
        ("DATETIME2(7)", "DATETIME(6)"),
        ("BIT", "TINYINT(1)"),
        ("UNIQUEIDENTIFIER", "CHAR(36)"),
        ("MONEY", "DECIMAL(19,4)"),
    ],
)
def test_the_conversions_the_migration_names(source: str, target: str) -> None:
    assert converted(source) == target


def test_what_changes_meaning_is_a_finding() -> None:
    findings = Findings()
    mysql_type("DATETIMEOFFSET", ("7",), "t.c", findings)
    mysql_type("DATETIME2", ("7",), "t.d", findings)
    mysql_type("NoSuchType", (), "t.e", findings)
    assert [(f.severity, f.where) for f in findings] == [
        ("action", "t.c"),
        ("note", "t.d"),
        ("action", "t.e"),
    ]
