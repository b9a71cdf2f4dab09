"""``make ami`` refuses clearly without packer, with a packer older than 1.10 or without
AWS_REGION, and otherwise runs ``packer init`` and ``packer build`` with the wheel it just built."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.packer.conftest import ROOT
from tests.support.make_runner import fake_tool, run_make


def fake_packer(tmp_path: Path, version: str) -> Path:
    log = tmp_path / "packer.calls"
    return fake_tool(
        tmp_path / "bin",
        "packer",
        f'if [ "$1" = version ]; then echo "Packer v{version}"; exit 0; fi\necho "$@" >> {log}\n',
    )


def test_packer_must_be_installed(tmp_path: Path) -> None:
    done = run_make("ami", path="/usr/bin:/bin", home=tmp_path)
    assert done.returncode == 2
    assert "packer not found: install Packer >= 1.10.0" in done.stderr


def test_packer_must_be_recent(tmp_path: Path) -> None:
    done = run_make("ami", path=f"{fake_packer(tmp_path, '1.9.4')}:/usr/bin:/bin", home=tmp_path)
    assert done.returncode == 2
    assert "packer 1.9.4 is too old: make ami needs Packer >= 1.10.0" in done.stderr


def test_the_region_is_required(tmp_path: Path) -> None:
    done = run_make("ami", path=f"{fake_packer(tmp_path, '1.11.2')}:/usr/bin:/bin", home=tmp_path)
    assert done.returncode == 2
    assert "AWS_REGION is required" in done.stderr


def test_it_builds_the_wheel_then_runs_packer(tmp_path: Path) -> None:
    path = f"{fake_packer(tmp_path, '1.11.2')}:/usr/bin:/bin"
    done = run_make("ami", path=path, home=tmp_path, AWS_REGION="eu-west-1")
    assert done.returncode == 0, done.stderr[-2000:]
    init, build = (tmp_path / "packer.calls").read_text().splitlines()
    assert init == "init packer"
    sha = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    assert build.startswith(f"build -var region=eu-west-1 -var agent_version=0.1.0 -var git_sha={sha} ")
    assert f"-var wheel_path={ROOT}/dist/snapshot_engine-0.1.0-py3-none-any.whl" in build
    assert build.endswith(" packer")
    assert (ROOT / "dist" / "snapshot_engine-0.1.0-py3-none-any.whl").exists()
