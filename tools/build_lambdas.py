"""``make lambdas``: the Lambdas' zip that Terraform deploys.

The functions need only ``lambdas/``, ``contracts/`` and ``scaling/`` (their third-party imports,
Powertools and pydantic, come from the Powertools public layer; boto3 from the runtime). Writes:

- ``build/lambdas.zip``: zipped reproducibly (fixed timestamps, sorted), so the same source always
  gives the same ``filebase64sha256`` in Terraform and a plan shows no change without one;
- ``build/powertools-version``: the aws-lambda-powertools version in uv.lock, which picks the layer.
"""

from __future__ import annotations

import shutil
import sys
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
PACKAGES = ("lambdas", "contracts", "scaling")
EPOCH = (1980, 1, 1, 0, 0, 0)


def locked_version(package: str) -> str:
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    for entry in lock["package"]:
        if entry["name"] == package:
            return str(entry["version"])
    raise SystemExit(f"{package} is not in uv.lock")


def sources() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py") if "__pycache__" not in p.parts)


def build() -> Path:
    BUILD.mkdir(exist_ok=True)
    shutil.rmtree(BUILD / "lambda-src", ignore_errors=True)  # the staging directory of older builds
    archive = BUILD / "lambdas.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in sources():
            relative = path.relative_to(ROOT)
            info = zipfile.ZipInfo(str(relative), EPOCH)
            info.external_attr = 0o644 << 16
            zipped.writestr(info, path.read_bytes(), zipfile.ZIP_DEFLATED)
    (BUILD / "powertools-version").write_text(locked_version("aws-lambda-powertools") + "\n")
    return archive


def main() -> int:
    archive = build()
    layer = locked_version("aws-lambda-powertools")
    print(f"{archive.relative_to(ROOT)}: {len(sources())} files; Powertools layer {layer}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
