"""Where each environment's catalog lives: one directory of reports, datasets, the entitlements
seed and the files generated from them (``make generate``).

- ``sandbox/catalog/``: the sandbox's demo catalog (``make demo``, ``make up``, Terraform's
  ``local`` environment);
- ``catalogs/<env>/``: what ``terraform/environments/<env>`` deploys (its ``catalog_dir``).

A test holds every environment's ``catalog_dir`` to one of these.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SANDBOX_CATALOG = ROOT / "sandbox" / "catalog"
ENVIRONMENT_CATALOGS = ROOT / "catalogs"


@dataclass(frozen=True)
class CatalogDir:
    path: Path

    @property
    def reports(self) -> Path:
        return self.path / "reports.toml"

    @property
    def datasets(self) -> Path:
        return self.path / "datasets.toml"

    @property
    def entitlements(self) -> Path:
        return self.path / "entitlements.toml"

    def generated(self, name: str) -> Path:
        return self.path / name


def catalog_dirs() -> list[CatalogDir]:
    """The sandbox's catalog, then each environment's, by name."""
    found = sorted(p.parent for p in ENVIRONMENT_CATALOGS.glob("*/reports.toml"))
    return [CatalogDir(SANDBOX_CATALOG), *(CatalogDir(p) for p in found)]


SANDBOX = CatalogDir(SANDBOX_CATALOG)
