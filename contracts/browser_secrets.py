"""The Secrets Manager secrets the catalog's browser reports sign in with, as Terraform reads them
(``<catalog dir>/browser-secrets.json``): the agents are granted ``secretsmanager:GetSecretValue`` on
these and nothing else (plus an optional name prefix, ``browser_secret_prefix``).

Terraform has no TOML decoder, so ``make generate`` writes this file from the catalog and a test
fails when the two disagree. Each entry is what a report's ``source.auth.secret`` says: a secret's
name, or its ARN.
"""

from __future__ import annotations

import json
import re

from contracts.catalog import Catalog, parse_catalog
from contracts.catalog_dirs import CatalogDir

FILE = "browser-secrets.json"
# Secrets Manager's name alphabet; an ARN is taken as it is.
SECRET_NAME = re.compile(r"[A-Za-z0-9/_+=.@-]{1,512}")


class BrowserSecretError(ValueError):
    pass


def browser_secrets(catalog: Catalog) -> list[str]:
    found = set()
    for report in catalog.reports.values():
        auth = report.source.get("auth") if report.renderer == "browser" else None
        if not isinstance(auth, dict) or "secret" not in auth:
            continue
        secret = auth["secret"]
        if not isinstance(secret, str) or not (secret.startswith("arn:") or SECRET_NAME.fullmatch(secret)):
            raise BrowserSecretError(f"report {report.name!r}: {secret!r} is not a secret's name or ARN")
        found.add(secret)
    return sorted(found)


def render(directory: CatalogDir) -> str:
    return json.dumps(browser_secrets(parse_catalog(directory.reports.read_bytes())), indent=2) + "\n"
