"""One module of terraform/modules, alone, planned and applied by the real Terraform against the
test session's moto: a root written as Terraform JSON (the module's inputs are Python values), the
providers from the local mirror."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from sandbox.moto_server import MotoSandbox
from tests.terraform.hcl_model import TERRAFORM
from tests.terraform.terraform_on_moto import MIRROR, base_env

# Services a module may call; all go to moto.
ENDPOINTS = (
    "datasync",
    "dms",
    "ec2",
    "iam",
    "kms",
    "logs",
    "quicksight",
    "rds",
    "s3",
    "secretsmanager",
    "sts",
)


@dataclass
class ModuleRoot:
    directory: Path
    env: dict[str, str]

    @classmethod
    def make(
        cls,
        module: str,
        inputs: dict[str, Any],
        moto: MotoSandbox,
        directory: Path,
        source: Path | None = None,
    ) -> ModuleRoot:
        """``source``: a copy of the module to use instead of terraform/modules/<module>."""
        directory.mkdir(parents=True, exist_ok=True)
        provider = {
            "region": "us-east-1",
            "access_key": "sandbox",
            "secret_key": "sandbox",
            "skip_metadata_api_check": True,
            "skip_region_validation": True,
            "skip_requesting_account_id": False,
            "s3_use_path_style": True,
            "max_retries": 2,
            "endpoints": [dict.fromkeys(ENDPOINTS, moto.endpoint)],
        }
        root = {
            "terraform": {"required_providers": {"aws": {"source": "hashicorp/aws"}}},
            "provider": {"aws": provider},
            "module": {"this": {"source": str(source or TERRAFORM / "modules" / module), **inputs}},
        }
        (directory / "main.tf.json").write_text(json.dumps(root, indent=2))
        (directory / "cli.tfrc").write_text(
            f'provider_installation {{\n  filesystem_mirror {{\n    path = "{MIRROR}"\n  }}\n}}\n'
        )
        env = base_env(moto.endpoint, directory / ".data")
        env["TF_CLI_CONFIG_FILE"] = str(directory / "cli.tfrc")
        return cls(directory, env)

    def terraform(self, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["terraform", *args],
            cwd=self.directory,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def init(self) -> None:
        done = self.terraform("init", "-no-color")
        assert done.returncode == 0, done.stdout + done.stderr

    def plan(self, *args: str) -> subprocess.CompletedProcess[str]:
        """terraform plan into ./tfplan (its exit code and output are the caller's to judge)."""
        return self.terraform("plan", "-no-color", "-input=false", "-out=tfplan", *args)

    def apply(self, *targets: str) -> subprocess.CompletedProcess[str]:
        """terraform apply of the given resource addresses (all when none)."""
        return self.terraform(
            "apply", "-no-color", "-input=false", "-auto-approve", *(f"-target={t}" for t in targets)
        )

    def destroy(self) -> subprocess.CompletedProcess[str]:
        return self.terraform("destroy", "-no-color", "-input=false", "-auto-approve")

    def planned(self) -> dict[str, Any]:
        """The saved plan as JSON: resource address → planned values."""
        done = self.terraform("show", "-json", "tfplan")
        assert done.returncode == 0, done.stderr
        shown = json.loads(done.stdout)
        return {
            change["address"]: change["change"]["after"]
            for change in shown.get("resource_changes", [])
            if change["change"]["actions"] != ["no-op"]
        }


def vpc_with_two_subnets(moto: MotoSandbox, cidr: str) -> tuple[str, list[str]]:
    """A VPC of ``cidr`` (a /16) and a /24 in each of two zones: what a module's network needs."""
    ec2 = boto3.client("ec2", endpoint_url=moto.endpoint)
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    prefix = cidr.rsplit(".", 2)[0]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"{prefix}.{i}.0/24", AvailabilityZone=f"us-east-1{zone}")[
            "Subnet"
        ]["SubnetId"]
        for i, zone in enumerate("ab")
    ]
    return vpc, subnets
