"""The files written from each catalog (``make generate``): what Terraform reads (it has no TOML
decoder) beside the catalog they come from. ``python -m contracts.generated`` writes them all; a
catalog a file refuses is one line on stderr and exit 1; ``--check`` writes nothing and exits 1
naming every stale file (a test runs it)."""

from __future__ import annotations

import sys
from collections.abc import Callable

from contracts import browser_secrets, entitlements_seed, event_streams, quicksight_grants, schedules
from contracts.catalog import CatalogError
from contracts.catalog_dirs import ROOT, CatalogDir, catalog_dirs
from contracts.datasets import DatasetError

# file name -> how it is made from a catalog directory
GENERATED: dict[str, Callable[[CatalogDir], str]] = {
    schedules.FILE: schedules.render,
    event_streams.FILE: event_streams.render,
    browser_secrets.FILE: browser_secrets.render,
    quicksight_grants.FILE: quicksight_grants.render,
    entitlements_seed.FILE: entitlements_seed.render,
}
REFUSED = (
    CatalogError,
    DatasetError,
    schedules.ScheduleError,
    browser_secrets.BrowserSecretError,
    quicksight_grants.QuickSightGrantError,
    entitlements_seed.EntitlementsError,
)


def stale() -> list[str]:
    """Every generated file that differs from what its catalog makes now."""
    found = []
    for directory in catalog_dirs():
        for name, make in GENERATED.items():
            path = directory.generated(name)
            if not path.exists() or path.read_text() != make(directory):
                found.append(str(path.relative_to(ROOT)))
    return found


def main(argv: list[str] | None = None) -> int:
    check = "--check" in (argv if argv is not None else sys.argv[1:])
    try:
        if check:
            out_of_date = stale()
            for path in out_of_date:
                print(f"{path} is stale: run make generate", file=sys.stderr)
            return 1 if out_of_date else 0
        for directory in catalog_dirs():
            for name, make in GENERATED.items():
                target = directory.generated(name)
                text = make(directory)
                if not target.exists() or target.read_text() != text:
                    target.write_text(text)
                    print(f"wrote {target.relative_to(ROOT)}")
    except REFUSED as exc:
        print(f"make generate: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
