"""The dataset catalog: what may land, where, in which shape, and how it is merged into its table.

A TOML file of ``[datasets.<name>]`` tables, read by the agent's load job (which rows are good,
which table and mode) and by the tooling that makes the landing rules. The report catalog's
``datasets`` name entries of this one; a "Data Landed" event for a dataset refreshes them.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from contracts.named_tables import parse_named_tables

ColumnType = Literal["string", "integer", "number", "decimal", "boolean", "date", "timestamp"]
LoadMode = Literal["append", "upsert", "replace"]
FileFormat = Literal["csv", "csv.gz", "parquet", "jsonl", "jsonl.gz"]
DATASET_NAME = r"^[a-z][a-z0-9_]{0,62}$"
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
# Keys starting with this are the platform's own (rejects, Firehose's errors), never a dataset's
# (a dataset's name starts with a letter): the landing rule and the landed function skip them.
PLATFORM_KEYS = "_"
REJECTS_PREFIX = f"{PLATFORM_KEYS}rejects/"


class DatasetError(ValueError):
    pass


class ColumnSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    type: ColumnType
    nullable: bool = True
    max_length: int | None = Field(default=None, ge=1, le=65_535)  # strings: characters
    precision: int | None = Field(default=None, ge=1, le=38)  # decimals
    scale: int | None = Field(default=None, ge=0, le=38)

    @model_validator(mode="after")
    def _type_options_fit(self) -> ColumnSpec:
        if self.type == "decimal":
            if self.precision is None or self.scale is None:
                raise ValueError("a decimal column needs precision and scale")
            if self.scale > self.precision:
                raise ValueError("scale cannot exceed precision")
        elif self.precision is not None or self.scale is not None:
            raise ValueError("precision and scale are for decimal columns only")
        if self.type == "string" and self.max_length is None:
            raise ValueError("a string column needs max_length (its table column is VARCHAR)")
        if self.type != "string" and self.max_length is not None:
            raise ValueError("max_length is for string columns only")
        return self


class DatasetSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=DATASET_NAME)
    title: str = ""
    datasource: str = Field(min_length=1)  # a name in the agent's SNAPSHOT_DATA_SOURCES
    table: str
    columns: dict[str, ColumnSpec] = Field(min_length=1)
    primary_key: list[str] = Field(default_factory=list)
    mode: LoadMode
    formats: list[FileFormat] = Field(min_length=1)
    # Over this fraction of rows rejected, the file fails (Load.Invalid) and nothing is merged.
    reject_threshold: float = Field(default=0.0, ge=0.0, le=1.0)
    landing_prefix: str = ""
    # Set for an event dataset: a Firehose stream writes its events under <dataset>/events/ in
    # this format (it may name the objects without a suffix).
    events_format: FileFormat | None = None

    @field_validator("table")
    @classmethod
    def _table_is_identifier(cls, table: str) -> str:
        if not IDENTIFIER.match(table) or table.startswith("_"):
            raise ValueError(f"table {table!r} must be a lower-case identifier not starting with _")
        return table

    @field_validator("columns")
    @classmethod
    def _columns_are_identifiers(cls, columns: dict[str, ColumnSpec]) -> dict[str, ColumnSpec]:
        for name in columns:
            if not IDENTIFIER.match(name):
                raise ValueError(f"column {name!r} must be a lower-case identifier")
        return columns

    @model_validator(mode="after")
    def _keys_and_prefix_fit(self) -> DatasetSpec:
        for key in self.primary_key:
            if key not in self.columns:
                raise ValueError(f"primary key column {key!r} is not a column")
            if self.columns[key].nullable:
                raise ValueError(f"primary key column {key!r} must be nullable = false")
        if self.mode == "upsert" and not self.primary_key:
            raise ValueError("an upsert dataset needs a primary_key")
        if self.events_format is not None and self.events_format not in self.formats:
            raise ValueError(f"events_format {self.events_format!r} must be one of formats")
        expected = f"{self.name}/"
        if self.landing_prefix and self.landing_prefix != expected:
            raise ValueError(f"landing_prefix must be {expected!r} (files land under <dataset>/)")
        return self

    @property
    def prefix(self) -> str:
        return f"{self.name}/"

    @property
    def events_prefix(self) -> str:
        return f"{self.name}/events/"

    def format_of(self, key: str) -> FileFormat | None:
        """The format a landed object's name says, if this dataset accepts it."""
        for fmt in sorted(self.formats, key=len, reverse=True):  # "csv.gz" before "csv"
            if key.endswith(f".{fmt}"):
                return fmt
        if self.events_format is not None and key.startswith(self.events_prefix):
            return self.events_format
        return None


class DatasetCatalog(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1] = 1
    datasets: dict[str, DatasetSpec]

    def dataset(self, name: str) -> DatasetSpec | None:
        return self.datasets.get(name)

    def for_key(self, key: str) -> DatasetSpec | None:
        """The dataset a landed object belongs to: the first segment of its key."""
        return self.datasets.get(key.split("/", 1)[0]) if "/" in key else None


def parse_datasets(text: str | bytes) -> DatasetCatalog:
    """Parse and check a dataset catalog; ``DatasetError`` says what is wrong and where."""
    return parse_named_tables(text, "datasets", DatasetCatalog, DatasetError, "dataset catalog")
