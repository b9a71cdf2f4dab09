"""The dataset catalog's event datasets as Terraform reads them (``<catalog dir>/event-streams.json``).

Terraform has no TOML decoder, so ``make generate`` writes this file from the catalog and a test
fails when the two disagree. Each entry is one Firehose stream: where it writes, and the suffix
of the objects it writes (the load job reads the format from it).
"""

from __future__ import annotations

import json

from contracts.catalog_dirs import CatalogDir
from contracts.datasets import DatasetCatalog, parse_datasets

FILE = "event-streams.json"


def event_streams(catalog: DatasetCatalog) -> dict[str, dict[str, str]]:
    return {
        d.name: {"prefix": d.events_prefix, "extension": f".{d.events_format}"}
        for d in sorted(catalog.datasets.values(), key=lambda d: d.name)
        if d.events_format is not None
    }


def render(directory: CatalogDir) -> str:
    streams = event_streams(parse_datasets(directory.datasets.read_bytes()))
    return json.dumps(streams, indent=2, sort_keys=True) + "\n"
