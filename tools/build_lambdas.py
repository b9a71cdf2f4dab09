"""``make lambdas``: the Lambdas' zip that Terraform deploys.

The functions need ``lambdas/``, ``contracts/`` and ``scaling/``; of their third-party imports,
Powertools and pydantic come from the Powertools public layer and boto3 from the runtime, and
sqlglot (the catalog parses each sql report's query to know the governed tables it reads), pure
Python and in no layer, is copied in at the version uv.lock pins. Writes:

- ``build/lambdas.zip``: zipped reproducibly (fixed timestamps, sorted), so the same source always
  gives the same ``filebase64sha256`` in Terraform and a plan shows no change without one;
- ``build/powertools-version``: the aws-lambda-powertools version in uv.lock, which picks the layer.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import shutil
import sys
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
PACKAGES = ("lambdas", "contracts", "scaling")
VENDORED = ("sqlglot",)
EPOCH = (1980, 1, 1, 0, 0, 0)


def locked_version(package: str) -> str:
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    for entry in lock["package"]:
        if entry["name"] == package:
            return str(entry["version"])
    raise SystemExit(f"{package} is not in uv.lock")


def sources() -> list[tuple[Path, Path]]:
    """(file, its path in the zip) for the project's packages and the vendored ones."""
    found = [(p, p.relative_to(ROOT)) for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")]
    for package in VENDORED:
        installed = importlib.metadata.version(package)
        if installed != locked_version(package):
            raise SystemExit(
                f"{package} {installed} is installed, uv.lock pins {locked_version(package)}: make setup"
            )
        spec = importlib.util.find_spec(package)
        assert spec is not None and spec.submodule_search_locations is not None
        home = Path(next(iter(spec.submodule_search_locations)))
        found += [(p, Path(package) / p.relative_to(home)) for p in home.rglob("*.py")]
    return sorted((p, name) for p, name in found if "__pycache__" not in p.parts)


def build() -> Path:
    BUILD.mkdir(exist_ok=True)
    shutil.rmtree(BUILD / "lambda-src", ignore_errors=True)  # the staging directory of older builds
    archive = BUILD / "lambdas.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path, relative in sources():
            info = zipfile.ZipInfo(relative.as_posix(), EPOCH)
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
