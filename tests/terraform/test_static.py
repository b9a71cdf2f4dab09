"""Every .tf parses and is formatted; variables are typed and described; every reference resolves;
module calls pass only declared variables and every required one; nothing account- or
region-specific is written into the modules."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.terraform.hcl_model import TERRAFORM, Module, load_module, module_dirs, references, unquote
from tests.terraform.terraform_on_moto import REPO_INPUTS
from tests.terraform.tools import TERRAFORM_FMT, require

MODULES = module_dirs()
IDS = [str(p.relative_to(TERRAFORM)) for p in MODULES]
ACCOUNT_ID = re.compile(r"(?<![\d.])\d{12}(?![\d.])")
REGION = re.compile(
    r"\b(?:us|eu|ap|sa|ca|me|af|il|mx)-(?:gov-)?(?:north|south|east|west|central)(?:east|west)?-\d\b"
)
CALL_META = {"source", "count", "for_each", "providers", "depends_on", "version"}


def test_the_tree_has_every_module_and_both_environments() -> None:
    names = {str(p.relative_to(TERRAFORM)) for p in MODULES}
    expected = {
        f"modules/{m}"
        for m in (
            "network",
            "storage",
            "metadata",
            "queue",
            "orchestration",
            "api",
            "workers",
            "reporting",
            "monitoring",
            "encryption",
        )
    } | {"platform", "environments/dev", "environments/prod"}
    assert expected <= names


def test_terraform_fmt_has_nothing_to_change() -> None:
    done = subprocess.run(
        [str(require(TERRAFORM_FMT)), "fmt", "-check", "-recursive", "-diff", str(TERRAFORM)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("path", MODULES, ids=IDS)
def test_four_file_shape(path: Path) -> None:
    files = {p.name for p in path.glob("*.tf")}
    assert {"main.tf", "variables.tf", "outputs.tf", "versions.tf"} <= files


@pytest.mark.parametrize("path", MODULES, ids=IDS)
def test_every_variable_has_a_type_and_a_description(path: Path) -> None:
    module = load_module(path)
    for name, body in module.variables.items():
        assert "type" in body, f"{path.name}: variable {name} has no type"
        assert unquote(body.get("description", "")).strip(), (
            f"{path.name}: variable {name} has no description"
        )
    for name, body in module.outputs.items():
        assert unquote(body.get("description", "")).strip(), f"{path.name}: output {name} has no description"


@pytest.mark.parametrize("path", MODULES, ids=IDS)
def test_every_reference_resolves(path: Path) -> None:
    module = load_module(path)
    problems = sorted(
        {
            problem
            for kind, name, rest in references(list(module.everything()))
            if (problem := _unresolved(module, kind, name, rest))
        }
    )
    assert not problems, "\n".join(problems)


def _unresolved(module: Module, kind: str, name: str, rest: str) -> str | None:
    if kind == "var":
        return None if name in module.variables else f"var.{name} is not declared"
    if kind == "local":
        return None if name in module.locals else f"local.{name} is not defined"
    if kind == "module":
        if name not in module.calls:
            return f"module.{name} is not called here"
        output = rest.lstrip(".").split(".")[0].split("[")[0]
        return (
            None
            if not output or output in module.called(name).outputs
            else f"module.{name}.{output}: no such output"
        )
    if kind == "data":
        data_name = rest.lstrip(".").split(".")[0].split("[")[0]
        return None if (name, data_name) in module.data else f"data.{name}.{data_name} is not declared"
    return None if (kind, name) in module.resources else f"{kind}.{name} is not declared"


@pytest.mark.parametrize("path", MODULES, ids=IDS)
def test_module_calls_pass_declared_variables_and_every_required_one(path: Path) -> None:
    module = load_module(path)
    for call, args in module.calls.items():
        target = module.called(call)
        passed = set(args) - CALL_META
        assert passed <= set(target.variables), (
            f"module.{call} passes undeclared {sorted(passed - set(target.variables))}"
        )
        required = {name for name, body in target.variables.items() if "default" not in body}
        assert required <= passed, f"module.{call} misses required {sorted(required - passed)}"


@pytest.mark.parametrize("path", MODULES, ids=IDS)
def test_no_account_ids_or_regions_are_written_into_the_code(path: Path) -> None:
    # Values belong to an environment's terraform.tfvars and backend.hcl, never to .tf files.
    for tf in path.glob("*.tf"):
        text = tf.read_text()
        assert not ACCOUNT_ID.search(text), f"{tf}: a 12-digit account id"
        assert not REGION.search(text), f"{tf}: a region name"


def test_the_terraform_on_moto_copies_carry_every_file_the_platform_reads_from_the_repo() -> None:
    platform = (TERRAFORM / "platform" / "main.tf").read_text()
    read = set(re.findall(r"\$\{local\.repo\}/([^/\"]+)/", platform))
    assert read and read <= set(REPO_INPUTS)


def test_every_private_bucket_aborts_incomplete_uploads_and_every_bucket_is_one() -> None:
    """The rule checkov is told to skip (it misreads it beside dynamic rules) is there, and no
    module makes a bucket by hand beside the private_bucket module."""
    module = load_module(TERRAFORM / "modules" / "private_bucket")
    lifecycle = module.resources[("aws_s3_bucket_lifecycle_configuration", "this")]
    rules = lifecycle["rule"] if isinstance(lifecycle["rule"], list) else [lifecycle["rule"]]
    aborts = [r for r in rules if "abort_incomplete_multipart_upload" in r]
    assert len(aborts) == 1 and unquote(aborts[0]["id"]) == "abort-incomplete-uploads"
    assert aborts[0]["abort_incomplete_multipart_upload"][0]["days_after_initiation"] == 1
    by_hand = [
        f"{path.name}: {name}"
        for path in module_dirs()
        if path.name != "private_bucket"
        for (kind, name) in load_module(path).resources
        if kind == "aws_s3_bucket"
    ]
    assert by_hand == []


RESOURCE_POLICIES = ("aws_s3_bucket_policy", "aws_sqs_queue_policy")


def policy_sources(module: Module, value: Any) -> set[str]:
    """The module calls a policy expression reads, directly or through a policy document."""
    found: set[str] = set()
    for kind, name, rest in references(value):
        if kind == "module":
            found.add(unquote(module.calls[name]["source"]))
        elif kind == "data" and name == "aws_iam_policy_document":
            document = module.data[(name, rest.split(".")[1])]
            found |= policy_sources(module, document.get("source_policy_documents", []))
    return found


def test_every_bucket_and_queue_policy_starts_from_the_tls_only_statement() -> None:
    """A new bucket or queue policy written by hand would drop the TLS-only deny unnoticed."""
    policies = {
        (path.name, name): policy_sources(module, body["policy"])
        for path in module_dirs()
        for module in [load_module(path)]
        for (kind, name), body in module.resources.items()
        if kind in RESOURCE_POLICIES
    }
    assert {("private_bucket", "this"), ("event_dlq", "this"), ("queue", "tls_only")} <= set(policies)
    assert {key: "../tls_only_policy" in sources for key, sources in policies.items()} == dict.fromkeys(
        policies, True
    )


def test_every_module_has_its_row_in_the_deploying_guide() -> None:
    guide = (TERRAFORM.parent / "docs" / "deploying.md").read_text()
    rows = set(re.findall(r"^\| `(\w+)` \|", guide, re.M))
    modules = {path.name for path in (TERRAFORM / "modules").iterdir() if path.is_dir()}
    assert modules - rows == set(), "docs/deploying.md's module table lacks these"
