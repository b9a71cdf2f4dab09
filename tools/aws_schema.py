"""Extract the AWS provider's schema from cdktf's provider package, offline.

No Terraform provider can be downloaded on the machines this project is checked on, but the PyPI
package ``cdktf-cdktf-provider-aws`` carries the provider's schema in its jsii assembly: one class
per resource and data source, one config interface per block, each argument documented with its
Terraform name and marked optional or not. This writes the compact form the Terraform tests read:

    {"provider_version": "6.25.0",
     "resource": {"aws_sqs_queue": {"arguments": {"name": false, ...},      # name -> required
                                     "blocks": {"timeouts": {...}, ...},     # same shape, nested
                                     "attributes": ["arn", "id", "url", ...]}},
     "data": {...}}

Usage: python tools/aws_schema.py WHEEL OUT.json
"""

from __future__ import annotations

import io
import json
import re
import sys
import tarfile
import zipfile
from pathlib import Path
from typing import Any

LINK = re.compile(r"providers/hashicorp/aws/([0-9.]+)/docs/(resources|data-sources)/([a-z0-9_]+)")
ANCHOR = re.compile(r"#([a-z0-9_]+) [A-Za-z0-9]+#")
META = {"count", "dependsOn", "forEach", "lifecycle", "provider", "connection", "provisioners"}


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def load_assembly(wheel: Path) -> dict[str, Any]:
    with zipfile.ZipFile(wheel) as whl:
        tgz_name = next(n for n in whl.namelist() if n.endswith(".jsii.tgz"))
        with tarfile.open(fileobj=io.BytesIO(whl.read(tgz_name))) as tgz:
            member = tgz.extractfile("package/.jsii")
            if member is None:
                raise SystemExit(f"{wheel}: no package/.jsii in {tgz_name}")
            return dict(json.load(member))


def block_type(prop_type: dict[str, Any]) -> str | None:
    """The fqn of a nested block's interface, or None for a plain attribute."""
    if "fqn" in prop_type:
        return str(prop_type["fqn"]) if not prop_type["fqn"].startswith("cdktf.") else None
    if "collection" in prop_type:
        return block_type(prop_type["collection"]["elementtype"])
    if "union" in prop_type:
        for member in prop_type["union"]["types"]:
            found = block_type(member)
            if found:
                return found
    return None


def block(types: dict[str, Any], fqn: str, depth: int = 0) -> dict[str, Any]:
    arguments: dict[str, bool] = {}
    blocks: dict[str, Any] = {}
    for prop in types[fqn].get("properties", []):
        if prop["name"] in META:
            continue
        anchor = ANCHOR.search(prop.get("docs", {}).get("summary", ""))
        name = anchor.group(1) if anchor else snake(prop["name"])
        nested = block_type(prop["type"])
        if nested and nested in types and types[nested].get("kind") == "interface" and depth < 12:
            blocks[name] = {**block(types, nested, depth + 1), "required": not prop.get("optional", False)}
        else:
            arguments[name] = not prop.get("optional", False)
    return {"arguments": arguments, "blocks": blocks}


def extract(assembly: dict[str, Any]) -> dict[str, Any]:
    types = assembly["types"]
    schema: dict[str, Any] = {"provider_version": None, "resource": {}, "data": {}}
    for cls in types.values():
        base = cls.get("base")
        if cls.get("kind") != "class" or base not in ("cdktf.TerraformResource", "cdktf.TerraformDataSource"):
            continue
        link = LINK.search(cls.get("docs", {}).get("summary", ""))
        if not link:
            continue
        version, kind, name = link.groups()
        schema["provider_version"] = version
        config = next(p for p in cls["initializer"]["parameters"] if p["name"] == "config")["type"]["fqn"]
        entry = block(types, config)
        entry["attributes"] = sorted(
            {
                snake(p["name"])
                for p in cls.get("properties", [])
                if not p.get("static") and not p["name"].endswith("Input") and p["name"] not in META
            }
        )
        schema["resource" if kind == "resources" else "data"][f"aws_{name}"] = entry
    return schema


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    schema = extract(load_assembly(Path(argv[1])))
    Path(argv[2]).write_text(json.dumps(schema, sort_keys=True))
    print(
        f"aws provider {schema['provider_version']}: {len(schema['resource'])} resources, "
        f"{len(schema['data'])} data sources -> {argv[2]}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
