"""The typed objects modules pass each other (network, table, bucket, catalog, queue, ...) are
declared again in every module that takes one, since Terraform has no shared types: hold every
declaration of a name to one type, and that type to the attributes its producing module outputs."""

from __future__ import annotations

import re

import pytest

from tests.terraform.hcl_model import TERRAFORM, load_module, module_dirs

MODULES = TERRAFORM / "modules"
# input name -> (producing module, its output), for the objects a module makes and others take
PRODUCED = {
    "network": ("network", "network"),
    "table": ("metadata", "table"),
    "lease_table": ("metadata", "lease_table"),
    "bucket": ("private_bucket", "bucket"),  # storage and etl pass their buckets' on
    "catalog": ("storage", "catalog"),
    "event_bus": ("orchestration", "event_bus"),
    "queue": ("queue", "jobs"),
    "dlq": ("queue", "dlq"),
}
SHARED = (*PRODUCED, "lambda_code")


def declared_types(name: str) -> dict[str, str]:
    found = {}
    for path in module_dirs():
        if path.parent == MODULES and name in load_module(path).variables:
            found[path.name] = " ".join(str(load_module(path).variables[name]["type"]).split())
    return found


def attributes(object_type: str) -> set[str]:
    inner = object_type.removeprefix("${object({").removesuffix("})}")
    depth, names, current = 0, set(), ""
    for char in inner:  # the top-level "name = type" pairs, skipping nested object({...})
        if char in "({[":
            depth += 1
        elif char in ")}]":
            depth -= 1
        if char == "," and depth == 0:
            names.add(current.split("=")[0].strip())
            current = ""
        else:
            current += char
    names.add(current.split("=")[0].strip())
    return names


@pytest.mark.parametrize("name", SHARED)
def test_every_module_declares_a_shared_input_with_one_type(name: str) -> None:
    types = declared_types(name)
    assert len(types) >= 1, f"no module takes {name}"
    assert len(set(types.values())) == 1, f"{name} is declared differently: {types}"


@pytest.mark.parametrize("name", PRODUCED)
def test_the_producing_module_outputs_what_the_inputs_declare(name: str) -> None:
    (declared,) = set(declared_types(name).values())
    producer, output = PRODUCED[name]
    value = load_module(MODULES / producer).outputs[output]["value"]
    assert attributes(declared) <= set(value), (
        f"module.{producer}.{output} lacks {attributes(declared) - set(value)}"
    )


def test_the_buckets_are_passed_on_as_the_private_bucket_module_makes_them() -> None:
    assert load_module(MODULES / "storage").outputs["bucket"]["value"] == "${module.snapshots.bucket}"
    assert load_module(MODULES / "etl").outputs["landing_bucket"]["value"] == "${module.landing.bucket}"


def test_the_attribute_parser_reads_nested_objects() -> None:
    nested = "${object({package = object({path = string, hash = string}), powertools_layer_arn = string})}"
    assert attributes(nested) == {"package", "powertools_layer_arn"}
    assert re.match(r"\$\{object", declared_types("network")["api"])
