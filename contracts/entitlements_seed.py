"""A catalog's ``entitlements.toml``: the entitlements table's first items, as an operator would
write them (who may see which values), checked, and as Terraform seeds them
(``<catalog dir>/entitlements.json``: Terraform writes each once and leaves later changes to the
operators, who change the table with no deploy).

```toml
[[entitlements]]
subject = "group:analysts"                 # a principal ARN, group:<name> or system:<source>
params = { region = ["AMER", "APAC"] }     # entitlement -> the values that subject may see
```
"""

from __future__ import annotations

import json
import tomllib
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from contracts.catalog_dirs import CatalogDir
from contracts.topology import ENTITLEMENTS_KEY, ENTITLEMENTS_PARAMS
from contracts.validation import first_error

FILE = "entitlements.json"
Value = str | int | float | bool


class EntitlementsError(ValueError):
    pass


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    subject: str = Field(min_length=1, max_length=2048)
    params: dict[str, list[Value]] = Field(default_factory=dict)

    @field_validator("subject")
    @classmethod
    def _subject(cls, subject: str) -> str:
        if not subject.startswith(("group:", "system:", "arn:")):
            raise ValueError("a subject is a principal ARN, group:<name> or system:<source>")
        if any(c.isspace() for c in subject) or "*" in subject:
            raise ValueError("a subject is one exact principal, group or system (no spaces, no '*')")
        return subject


class Seed(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    entitlements: list[Entry] = Field(default_factory=list)

    @field_validator("entitlements")
    @classmethod
    def _one_entry_per_subject(cls, entries: list[Entry]) -> list[Entry]:
        subjects = [e.subject for e in entries]
        if len(subjects) != len(set(subjects)):
            raise ValueError("each subject has one entry (its item in the table)")
        return entries


def parse_seed(text: str | bytes) -> Seed:
    try:
        raw = tomllib.loads(text.decode() if isinstance(text, bytes) else text)
        return Seed.model_validate(raw)
    except tomllib.TOMLDecodeError as exc:
        raise EntitlementsError(f"entitlements is not valid TOML: {exc}") from exc
    except ValidationError as exc:
        raise EntitlementsError(f"entitlements error at {first_error(exc)}") from exc


def render(directory: CatalogDir) -> str:
    """Each subject's item as DynamoDB's typed JSON (what ``aws_dynamodb_table_item`` takes), so
    ``1``, ``"1"`` and ``true`` stay three different values."""
    seed = parse_seed(directory.entitlements.read_bytes())
    items = {
        e.subject: {
            ENTITLEMENTS_KEY: {"S": e.subject},
            ENTITLEMENTS_PARAMS: {"M": {p: {"L": [_typed(v) for v in vs]} for p, vs in e.params.items()}},
        }
        for e in seed.entitlements
    }
    return json.dumps(items, indent=2, sort_keys=True) + "\n"


def _typed(value: Value) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int | float):
        return {"N": repr(value)}
    return {"S": value}
