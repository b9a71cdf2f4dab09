"""The dataset catalog's event datasets as Terraform reads them (``catalog/event-streams.json``).

Terraform has no TOML decoder, so ``make schedules`` writes this file from the catalog and a test
fails when the two disagree. Each entry is one Firehose stream: where it writes, and the suffix
of the objects it writes (the load job reads the format from it).
"""

from __future__ import annotations

import json
from pathlib import Path

from contracts.datasets import DatasetCatalog, parse_datasets

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ROOT / "catalog" / "datasets.toml"
EVENT_STREAMS = ROOT / "catalog" / "event-streams.json"


def event_streams(catalog: DatasetCatalog) -> dict[str, dict[str, str]]:
    return {
        d.name: {"prefix": d.events_prefix, "extension": f".{d.events_format}"}
        for d in sorted(catalog.datasets.values(), key=lambda d: d.name)
        if d.events_format is not None
    }


def render(datasets_path: Path = DATASETS) -> str:
    return (
        json.dumps(event_streams(parse_datasets(datasets_path.read_bytes())), indent=2, sort_keys=True) + "\n"
    )


def main() -> int:
    EVENT_STREAMS.write_text(render())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
