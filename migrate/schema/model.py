"""The schema as the conversion holds it between reading T-SQL and writing MySQL: ALTER TABLE
statements change it, so the output carries every table whole and every foreign key last."""

from __future__ import annotations

from dataclasses import dataclass, field

from migrate.schema.type_map import MySqlType


@dataclass
class Column:
    name: str
    type: MySqlType
    nullable: bool = True
    default: str | None = None  # MySQL text of the default, ready to follow DEFAULT
    auto_increment: bool = False
    binary_collation: bool = False  # a case-sensitive source collation


@dataclass(frozen=True)
class Key:
    name: str | None
    columns: tuple[str, ...]
    descending: tuple[bool, ...] = ()
    prefixes: tuple[tuple[str, int], ...] = ()  # columns indexed by their first N characters only


@dataclass(frozen=True)
class ForeignKey:
    name: str | None
    columns: tuple[str, ...]
    table: str
    references: tuple[str, ...]
    on_delete: str | None = None
    on_update: str | None = None


@dataclass(frozen=True)
class Check:
    name: str | None
    expression: str  # MySQL text


@dataclass
class Table:
    schema: str | None
    name: str
    columns: list[Column] = field(default_factory=list)
    primary_key: Key | None = None
    uniques: list[Key] = field(default_factory=list)
    indexes: list[Key] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    auto_increment_start: int | None = None

    @property
    def where(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name.lower() == name.lower()), None)
