"""Running one section of ``make bench`` alone: its progress on stderr, its figures and raw
results printed as JSON (``out/bench.json`` is left alone)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

Progress = Callable[[str], None]


def run_alone(
    measure: Callable[[Progress], dict[str, Any]], summarise: Callable[[dict[str, Any]], dict[str, Any]]
) -> int:
    raw = measure(lambda what: print(what, file=sys.stderr, flush=True))
    print(json.dumps({"figures": summarise(raw), "raw": raw}, indent=2))
    return 0
