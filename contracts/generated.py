"""Writing a file Terraform reads (``catalog/*.json``) from the catalogs: ``make schedules``."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def write_generated(path: Path, render: Callable[[], str], refused: type[Exception], what: str) -> int:
    """Write ``render()`` to ``path``; a catalog it refuses is one line on stderr and exit 1."""
    try:
        text = render()
    except refused as exc:
        print(f"{what}: {exc}", file=sys.stderr)
        return 1
    path.write_text(text)
    print(f"wrote {path.relative_to(ROOT)}")
    return 0
