"""The Packer template parses; its variables are declared, typed and described; every file it
uploads or runs exists; the build is what the design asks (AL2023, IMDSv2, encrypted
gp3, tags, manifest); every script passes bash -n and shellcheck."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import hcl2
import pytest

from tests.packer.conftest import PACKER, ROOT
from tests.terraform.hcl_model import clean, interpolations, labelled, unquote

TEMPLATE = hcl2.loads((PACKER / "snapshot-agent.pkr.hcl").read_text())
VARIABLES = {
    labels[0]: body
    for labels, body in labelled(hcl2.loads((PACKER / "variables.pkr.hcl").read_text())["variable"], 1)
}
SOURCE = dict(labelled(TEMPLATE["source"], 2))[("amazon-ebs", "agent")]
BUILD = clean(TEMPLATE["build"][0])
SCRIPTS = [
    *sorted((PACKER / "scripts").glob("*.sh")),
    PACKER / "rootfs/usr/local/libexec/snapshot-agent/configure-cloudwatch",
]


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def test_plugins_are_pinned() -> None:
    packer = clean(TEMPLATE["packer"][0])
    amazon = clean(packer["required_plugins"][0])["amazon"]
    assert unquote(amazon["source"]) == "github.com/hashicorp/amazon"
    assert re.fullmatch(r"= \d+\.\d+\.\d+", unquote(amazon["version"]))
    assert unquote(packer["required_version"]) == ">= 1.10.0"


def test_every_variable_used_is_declared_typed_and_described() -> None:
    used = {
        m for s in strings(TEMPLATE) for code in interpolations(s) for m in re.findall(r"\bvar\.(\w+)", code)
    }
    assert used <= set(VARIABLES), f"undeclared: {sorted(used - set(VARIABLES))}"
    assert set(VARIABLES) <= used, f"declared but unused: {sorted(set(VARIABLES) - used)}"
    for name, body in VARIABLES.items():
        assert "type" in body and unquote(body.get("description", "")).strip(), name


def test_every_file_and_script_it_references_exists() -> None:
    provisioners = strings(BUILD["provisioner"])
    referenced = {m for s in provisioners for m in re.findall(r"\$\{path\.root\}/([\w./-]+)", s)}
    assert {
        "rootfs",
        "scripts/install-system.sh",
        "scripts/install-agent.sh",
        "scripts/validate.sh",
    } <= referenced
    for relative in referenced:
        assert (PACKER / relative).exists(), relative
    for name in ("wheelhouse_dir", "requirements_path"):
        default = unquote(VARIABLES[name]["default"])
        assert default.startswith("../dist/"), f"{name} defaults into dist/, which make wheel fills"


def test_the_image_is_al2023_with_imdsv2_encrypted_gp3_and_tagged() -> None:
    ami_filter = clean(SOURCE["source_ami_filter"][0])
    assert unquote(ami_filter["filters"]["name"]).startswith("al2023-ami-2023.")
    assert [unquote(o) for o in ami_filter["owners"]] == ["amazon"] and ami_filter["most_recent"] is True
    assert unquote(clean(SOURCE["metadata_options"][0])["http_tokens"]) == "required"
    volume = clean(SOURCE["launch_block_device_mappings"][0])
    assert (unquote(volume["volume_type"]), volume["encrypted"]) == ("gp3", True)
    assert SOURCE["encrypt_boot"] is True
    tags = SOURCE["tags"]
    assert unquote(tags["Name"]) == "snapshot-agent"  # terraform/modules/workers finds the newest by this tag
    assert {"AgentVersion", "GitSha", "BuildTime"} <= set(tags)
    post = {labels[0]: body for labels, body in labelled(BUILD["post-processor"], 1)}
    assert "agent_version" in post["manifest"]["custom_data"]


def test_validate_runs_last_and_cleanup_before_it() -> None:
    scripts = [s for p in BUILD["provisioner"] for s in strings(clean(p)) if s.endswith('.sh"')]
    order = [Path(unquote(s)).name for s in scripts]
    assert order.index("cleanup.sh") < order.index("validate.sh") == len(order) - 1


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_scripts_are_strict_and_pass_bash_n_and_shellcheck(script: Path) -> None:
    assert "set -euo pipefail" in script.read_text()
    assert subprocess.run(["bash", "-n", str(script)], capture_output=True).returncode == 0
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "shellcheck"), str(script)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout
