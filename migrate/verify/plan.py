"""Which tables to compare and how: tables and columns are matched by name (case aside), the key
is the target's primary key (else the source's), and each pair of columns gets the one kind both
sides are written as (migrate/verify/normalise.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from migrate.verify.normalise import ColumnKind, SideColumn, common_kind, kind_of
from migrate.verify.table_side import TableSide

TEXT_KEYS = {"text", "uuid"}


class PlanError(ValueError):
    """A table that cannot be compared: the message says why."""


@dataclass(frozen=True)
class Schemas:
    source: str | None = None
    target: str | None = None


@dataclass
class TablePlan:
    name: str
    source: TableSide
    target: TableSide
    integer_key: bool
    only_source: list[str] = field(default_factory=list)
    only_target: list[str] = field(default_factory=list)


def table_names(engine: sa.Engine, schema: str | None) -> dict[str, str]:
    """Lower-cased name → name as the database spells it."""
    return {name.lower(): name for name in sa.inspect(engine).get_table_names(schema=schema)}


def plan_table(name: str, source: sa.Engine, target: sa.Engine, schemas: Schemas) -> TablePlan:
    source_name = table_names(source, schemas.source).get(name.lower())
    target_name = table_names(target, schemas.target).get(name.lower())
    if source_name is None or target_name is None:
        where = "source" if source_name is None else "target"
        raise PlanError(f"table {name} is not in the {where}")
    source_columns = _columns(source, source_name, schemas.source)
    target_columns = _columns(target, target_name, schemas.target)
    common = [c for c in target_columns if c in source_columns]
    key = _key(target, target_name, schemas.target) or _key(source, source_name, schemas.source)
    if not key:
        raise PlanError(f"table {name} has no primary key on either side: rows cannot be matched")
    if any(k.lower() not in common for k in key):
        raise PlanError(f"table {name}: key {key} is not on both sides")
    kinds = {c: common_kind(kind_of(source_columns[c][1]), kind_of(target_columns[c][1])) for c in common}
    text_keys = {k.lower() for k in key if kinds[k.lower()].kind in TEXT_KEYS}
    sides = [
        _side(engine, table, schema, columns, key, common, kinds, text_keys)
        for engine, table, schema, columns in (
            (source, source_name, schemas.source, source_columns),
            (target, target_name, schemas.target, target_columns),
        )
    ]
    return TablePlan(
        target_name,
        sides[0],
        sides[1],
        integer_key=len(key) == 1 and kinds[key[0].lower()].kind == "integer",
        only_source=sorted(source_columns[c][0] for c in source_columns.keys() - target_columns.keys()),
        only_target=sorted(target_columns[c][0] for c in target_columns.keys() - source_columns.keys()),
    )


# lower name → name, type, nullable, text stored as UTF-8
Columns = dict[str, tuple[str, sa.types.TypeEngine[object], bool, bool]]
UTF8 = {"utf8mb4", "utf8mb3", "utf8"}


def _columns(engine: sa.Engine, table: str, schema: str | None) -> Columns:
    inspector = sa.inspect(engine)
    default_charset = None
    if engine.dialect.name in {"mysql", "mariadb"}:
        default_charset = inspector.get_table_options(table, schema=schema).get("mysql_default charset")
    return {
        c["name"].lower(): (
            c["name"],
            c["type"],
            bool(c.get("nullable", True)),
            (getattr(c["type"], "charset", None) or default_charset or "").lower() in UTF8,
        )
        for c in inspector.get_columns(table, schema=schema)
    }


def _key(engine: sa.Engine, table: str, schema: str | None) -> list[str]:
    return list(sa.inspect(engine).get_pk_constraint(table, schema=schema).get("constrained_columns") or [])


def _side(
    engine: sa.Engine,
    table: str,
    schema: str | None,
    columns: Columns,
    key: list[str],
    common: list[str],
    kinds: dict[str, ColumnKind],
    text_keys: set[str],
) -> TableSide:
    spelled = [columns[c][0] for c in common]
    return TableSide(
        engine,
        table,
        schema,
        [columns[k.lower()][0] for k in key],
        spelled,
        {columns[c][0]: kinds[c] for c in common},
        {columns[k][0] for k in text_keys},
        {columns[c][0]: SideColumn(kind_of(columns[c][1]), columns[c][2], columns[c][3]) for c in common},
    )
