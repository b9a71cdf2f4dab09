"""One message for a pydantic error: where the first problem is, and what it is."""

from __future__ import annotations

from pydantic import ValidationError


def first_error(exc: ValidationError, under: str = "") -> str:
    """``where: what`` of the first problem; ``where`` is the field's dotted path, prefixed with
    ``under`` when given, and ``body`` when the whole value is wrong."""
    first = exc.errors()[0]
    path = [under] if under else []
    path += [str(p) for p in first["loc"]]
    return f"{'.'.join(path) or 'body'}: {first['msg']}"
