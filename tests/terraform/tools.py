"""Where the offline Terraform tools live (``make tf-tools`` installs them), and what a test does
when one is missing: skip on a workstation, fail in CI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.services import IN_CI
from tests.terraform.hcl_model import ROOT

TOOLS = ROOT / ".tools"
TERRAFORM_FMT = TOOLS / "terraform" / "bin" / "terraform"
CHECKOV = TOOLS / "checkov" / "bin" / "checkov"
AWS_SCHEMA = TOOLS / "aws-provider-schema.json"


def require(path: Path) -> Path:
    if path.exists():
        return path
    message = f"{path.relative_to(ROOT)} is missing: run make tf-tools"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def aws_schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(require(AWS_SCHEMA).read_text())
    return loaded
