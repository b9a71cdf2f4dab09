"""Running the real Terraform against the test session's moto.

Two ways, both with providers from a local mirror (``TF_PROVIDER_MIRROR``, this machine's
``/opt/tf-plugins`` by default; never the registry):

- ``make_local``: ``make apply|destroy ENV=local`` exactly as a user runs them, with the working
  directory and state moved to a temporary folder (``TF_DATA_DIR``, ``-backend-config=path=``), so
  the repository's ``terraform/environments/local`` is only read;
- ``RootCopy``: a temporary copy of ``terraform/`` for dev and prod, with the local environment's
  ``moto_override.tf`` and ``sandbox.tf`` added and the lock file dropped (it pins the 6.x release
  the mirror lacks; the modules accept 5.100 and 6.x alike).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.services import IN_CI
from tests.terraform.hcl_model import ROOT, TERRAFORM

MIRROR = Path(os.environ.get("TF_PROVIDER_MIRROR", "/opt/tf-plugins"))
LOCAL = TERRAFORM / "environments" / "local"
SANDBOX_FILES = ("moto_override.tf", "sandbox.tf")
MIN_TERRAFORM = (1, 6)
# What the platform's Terraform reads beside terraform/ (platform's local.repo).
REPO_INPUTS = ("catalogs", "sandbox/catalog", "contracts", "stepfunctions", "build")


def require_terraform() -> str:
    """The terraform binary, or a skip (a failure in CI) saying what is missing."""
    binary = shutil.which("terraform")
    problem = None
    if binary is None:
        problem = "terraform is not on the PATH"
    else:
        version = subprocess.run([binary, "version"], capture_output=True, text=True, check=False).stdout
        found = re.search(r"Terraform v(\d+)\.(\d+)", version)
        if not found or (int(found[1]), int(found[2])) < MIN_TERRAFORM:
            problem = f"terraform >= 1.6 is needed, found {version.splitlines()[:1]}"
    if problem is None and not any(MIRROR.glob("registry.terraform.io/hashicorp/aws/*")):
        problem = f"no AWS provider in the mirror {MIRROR} (set TF_PROVIDER_MIRROR)"
    if problem is not None:
        message = f"the real Terraform cannot run: {problem}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    assert binary is not None
    return binary


def base_env(endpoint: str, data_dir: Path) -> dict[str, str]:
    """The caller's environment without AWS settings (the sandbox's own come from make or here)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_"))}
    env.update(
        TF_IN_AUTOMATION="1",
        TF_INPUT="0",
        CHECKPOINT_DISABLE="1",
        TF_DATA_DIR=str(data_dir),
        TF_PROVIDER_MIRROR=str(MIRROR),
        SANDBOX_ENDPOINT=endpoint,
    )
    return env


def run(command: list[str], env: dict[str, str], timeout: float, cwd: Path = ROOT) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise AssertionError(
            f"{' '.join(command)} exited {done.returncode}:\n{done.stdout[-6000:]}\n{done.stderr}"
        )
    return done.stdout


@dataclass
class LocalEnvironment:
    """``make ... ENV=local`` with its working files in ``work``."""

    endpoint: str
    work: Path

    @property
    def env(self) -> dict[str, str]:
        env = base_env(self.endpoint, self.work / "data")
        env.update(
            TF_CLI_ARGS_init=f"-backend-config=path={self.work / 'terraform.tfstate'}",
            TF_CLI_ARGS_apply="-auto-approve",
            TF_CLI_ARGS_destroy="-auto-approve",
        )
        return env

    def make(self, goal: str, timeout: float = 280) -> str:
        return run(["make", "--no-print-directory", goal, "ENV=local"], self.env, timeout)

    def terraform(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """terraform in the local environment with make's settings (after make has run init)."""
        env = {
            **self.env,
            "TF_CLI_CONFIG_FILE": str(ROOT / "build" / "terraform-mirror.tfrc"),
            "AWS_ACCESS_KEY_ID": "sandbox",
            "AWS_SECRET_ACCESS_KEY": "sandbox",
            "TF_VAR_sandbox_endpoint": self.endpoint,
        }
        return subprocess.run(
            ["terraform", f"-chdir={LOCAL}", *args], env=env, capture_output=True, text=True, timeout=timeout
        )


@dataclass
class RootCopy:
    """A temporary copy of terraform/ in which dev or prod plans against the sandbox."""

    endpoint: str
    root: Path

    @classmethod
    def make(cls, endpoint: str, root: Path) -> RootCopy:
        shutil.copytree(
            TERRAFORM,
            root / "terraform",
            symlinks=True,
            ignore=shutil.ignore_patterns(".terraform", "terraform.tfstate*", "tfplan"),
        )
        for name in REPO_INPUTS:
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).symlink_to(ROOT / name)
        (root / "cli.tfrc").write_text(
            f'provider_installation {{\n  filesystem_mirror {{\n    path = "{MIRROR}"\n  }}\n}}\n'
        )
        return cls(endpoint, root)

    def plan(self, environment: str, variables: dict[str, str] | None = None, timeout: float = 180) -> str:
        """``variables`` are set as TF_VAR_<name>, as a user would for one run."""
        directory = self.root / "terraform" / "environments" / environment
        (directory / ".terraform.lock.hcl").unlink(missing_ok=True)
        for name in SANDBOX_FILES:
            shutil.copy(LOCAL / name, directory / name)
        env = base_env(self.endpoint, self.root / f"data-{environment}")
        env.update(
            TF_CLI_CONFIG_FILE=str(self.root / "cli.tfrc"),
            AWS_ACCESS_KEY_ID="sandbox",
            AWS_SECRET_ACCESS_KEY="sandbox",
            TF_VAR_sandbox_endpoint=self.endpoint,
        )
        env.update({f"TF_VAR_{name}": value for name, value in (variables or {}).items()})
        state = self.root / f"{environment}.tfstate"
        run(["terraform", "init", f"-backend-config=path={state}"], env, timeout, cwd=directory)
        # moto's account and region in place of the environment's real ones (-var beats tfvars)
        moto_account = ["-var", "account_id=123456789012", "-var", "region=us-east-1"]
        return run(
            ["terraform", "plan", "-no-color", "-lock=false", *moto_account], env, timeout, cwd=directory
        )
