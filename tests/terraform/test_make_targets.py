"""``make plan|apply|destroy`` refuse clearly (exit 2, one line) without ENV, with an unknown ENV,
without terraform or without credentials; ``make lambdas`` builds the zip Terraform deploys."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest

from sandbox.moto_server import free_port
from tests.support.make_runner import fake_tool, run_make
from tests.terraform.hcl_model import ROOT
from tools.build_lambdas import build, locked_version


def make(*args: str, path: str, home: Path) -> subprocess.CompletedProcess[str]:
    return run_make(*args, path=path, home=home)


@pytest.fixture
def fake_terraform(tmp_path: Path) -> Path:
    return fake_tool(tmp_path / "bin", "terraform", "echo terraform was called >&2\nexit 99\n")


@pytest.mark.parametrize("goal", ["plan", "apply", "destroy"])
def test_env_is_required_and_must_exist(goal: str, tmp_path: Path) -> None:
    missing = make(goal, path="/usr/bin:/bin", home=tmp_path)
    assert missing.returncode == 2
    assert f"ENV is required: make {goal} ENV=<dev|local|prod>" in missing.stderr
    unknown = make(goal, "ENV=qa", path="/usr/bin:/bin", home=tmp_path)
    assert unknown.returncode == 2
    assert "ENV=qa is not one of: dev local prod" in unknown.stderr


def test_terraform_must_be_installed(tmp_path: Path) -> None:
    done = make("plan", "ENV=dev", path="/usr/bin:/bin", home=tmp_path)
    assert done.returncode == 2
    assert "terraform not found: install Terraform >= 1.6" in done.stderr


def test_credentials_are_required_before_terraform_runs(tmp_path: Path, fake_terraform: Path) -> None:
    done = make("plan", "ENV=dev", path=f"{fake_terraform}:/usr/bin:/bin", home=tmp_path)
    assert done.returncode == 2
    assert "no AWS credentials: set AWS_PROFILE" in done.stderr
    assert "terraform was called" not in done.stderr


def test_local_needs_a_running_sandbox_not_credentials(tmp_path: Path, fake_terraform: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    done = make(
        "plan",
        "ENV=local",
        f"SANDBOX_ENDPOINT={closed}",
        path=f"{fake_terraform}:/usr/bin:/bin",
        home=tmp_path,
    )
    assert done.returncode == 2
    assert f"no sandbox at {closed}: start one with make moto (or make up)" in done.stderr
    assert "terraform was called" not in done.stderr


def test_the_lambda_zip_holds_the_handlers_and_nothing_else() -> None:
    archive = build()
    first = archive.read_bytes()
    names = zipfile.ZipFile(archive).namelist()
    assert {"lambdas/trigger.py", "lambdas/status.py", "contracts/catalog.py", "sqlglot/parser.py"} <= set(
        names
    )
    assert all(
        n.startswith(("lambdas/", "contracts/", "scaling/", "sqlglot/")) and n.endswith(".py") for n in names
    )
    assert (ROOT / "build" / "powertools-version").read_text().strip() == locked_version(
        "aws-lambda-powertools"
    )
    assert build().read_bytes() == first, "the zip is reproducible"
