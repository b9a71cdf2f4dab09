"""Every aws_* resource and data source uses only arguments and blocks the AWS provider's schema
has (6.25, from cdktf's provider package, offline), sets the required ones, and refers only to
attributes the schema exports."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.terraform.hcl_model import (
    TERRAFORM,
    clean,
    is_block,
    load_module,
    module_dirs,
    references,
    unquote,
)
from tests.terraform.tools import aws_schema

MODULES = module_dirs()
IDS = [str(p.relative_to(TERRAFORM)) for p in MODULES]
META = {"count", "for_each", "depends_on", "lifecycle", "provider", "provisioner", "connection"}


def test_the_schema_is_the_provider_version_the_environments_pin() -> None:
    """dev and prod deploy with 6.25 (checked here offline against its schema); the local
    environment runs 5.100 for real against moto. The modules accept both."""
    schema = aws_schema()
    assert schema["provider_version"] == "6.25.0"
    environments = TERRAFORM / "environments"
    for env, pinned in (("dev", "6.25.0"), ("prod", "6.25.0"), ("local", "5.100.0")):
        assert '">= 5.100, < 7.0"' in (environments / env / "versions.tf").read_text()
        assert f'version     = "{pinned}"' in (environments / env / ".terraform.lock.hcl").read_text()


@pytest.mark.parametrize("path", MODULES, ids=IDS)
def test_arguments_and_blocks_exist_and_required_ones_are_set(path: Path) -> None:
    schema = aws_schema()
    module = load_module(path)
    problems: list[str] = []
    for kind, blocks in (("resource", module.resources), ("data", module.data)):
        for (type_, name), body in blocks.items():
            if not type_.startswith("aws_"):
                continue
            spec = schema[kind].get(type_)
            if spec is None:
                problems.append(f"{kind} {type_}: not in the provider")
                continue
            problems.extend(_check(f"{type_}.{name}", body, spec))
    assert not problems, "\n".join(problems)


def _check(where: str, body: dict[str, Any], spec: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    present: set[str] = set()
    for key, value in body.items():
        if key in META:
            continue
        if key == "dynamic":
            for entry in value:
                for label, inner in clean(entry).items():
                    present.add(label)
                    content = clean(inner)["content"][0]
                    problems.extend(_check_block(where, label, clean(content), spec))
            continue
        present.add(key)
        if is_block(value):
            for entry in value:
                problems.extend(_check_block(where, key, clean(entry), spec))
        elif key not in spec["arguments"]:
            problems.append(
                f"{where}: no argument {key!r}" + (" (it is a block)" if key in spec["blocks"] else "")
            )
    for name, required in spec["arguments"].items():
        if required and name not in present:
            problems.append(f"{where}: required argument {name!r} is not set")
    for name, block in spec["blocks"].items():
        if block["required"] and name not in present:
            problems.append(f"{where}: required block {name!r} is missing")
    return problems


def _check_block(where: str, key: str, body: dict[str, Any], spec: dict[str, Any]) -> list[str]:
    if key not in spec["blocks"]:
        return [f"{where}: no block {key!r}" + (" (it is an argument)" if key in spec["arguments"] else "")]
    return _check(f"{where}.{key}", body, spec["blocks"][key])


@pytest.mark.parametrize("path", MODULES, ids=IDS)
def test_references_name_exported_attributes(path: Path) -> None:
    schema = aws_schema()
    module = load_module(path)
    problems = set()
    for kind, name, rest in references(list(module.everything())):
        if kind == "data":
            parts = [p for p in re.sub(r"\[[^\]]*\]", "", rest).split(".") if p]
            if len(parts) < 2:
                continue
            type_, attribute = name, parts[1]
            known = set(schema["data"].get(type_, {}).get("attributes", []))
        elif kind.startswith("aws_"):
            parts = [p for p in re.sub(r"\[[^\]]*\]", "", rest).split(".") if p]
            if not parts:
                continue
            type_, attribute = kind, parts[0]
            known = set(schema["resource"].get(type_, {}).get("attributes", []))
        else:
            continue
        if attribute not in known:
            problems.add(f"{type_}.{name}: no attribute {attribute!r}")
    assert not problems, "\n".join(sorted(problems))


def test_a_wrong_name_is_caught() -> None:
    spec = aws_schema()["resource"]["aws_sqs_queue"]
    assert _check("q", {"name": '"x"', "visibility_timeout": 30}, spec) == [
        "q: no argument 'visibility_timeout'"
    ]
    lifecycle = aws_schema()["resource"]["aws_s3_bucket_lifecycle_configuration"]
    rule = [{"status": '"Enabled"', "__is_block__": True}]
    assert _check("l", {"bucket": '"b"', "rule": rule}, lifecycle) == [
        "l.rule: required argument 'id' is not set"
    ]
    assert unquote('"a"') == "a"
