"""A TOML catalog of named tables (``[reports.<name>]``, ``[datasets.<name>]``), parsed into its
model: each table gets its name from its key, and any fault is one error saying what and where."""

from __future__ import annotations

import tomllib
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from contracts.validation import first_error

ModelT = TypeVar("ModelT", bound=BaseModel)


def parse_named_tables(
    text: str | bytes, tables: str, model: type[ModelT], error: type[ValueError], what: str
) -> ModelT:
    """``tables`` is the top-level key ("reports"); ``what`` names the file in messages."""
    try:
        raw = tomllib.loads(text.decode() if isinstance(text, bytes) else text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise error(f"{what} is not valid TOML: {exc}") from exc
    found = raw.get(tables)
    if not isinstance(found, dict) or not found:
        raise error(f"{what} has no [{tables}.<name>] tables")
    for name, body in found.items():
        if isinstance(body, dict):
            body.setdefault("name", name)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise error(f"{what} error at {first_error(exc)}") from exc
