"""A throwaway root with the agent installed by packer/scripts/install-agent.sh, for real."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.services import IN_CI

ROOT = Path(__file__).resolve().parents[2]
PACKER = ROOT / "packer"
DIST = ROOT / "dist"
HOST_UNITS = Path("/usr/lib/systemd/system")


def wheel() -> Path:
    wheels = sorted(DIST.glob("snapshot_engine-*-py3-none-any.whl"))
    if not wheels or not (DIST / "wheelhouse").is_dir():
        message = "dist/ has no wheel and wheelhouse: run make wheel"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return wheels[-1]


@pytest.fixture(scope="session")
def installed_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """DESTDIR after install-agent.sh, with the host's systemd units beside ours so that
    ``systemd-analyze verify --root`` can resolve targets like multi-user.target."""
    root = tmp_path_factory.mktemp("ami-root")
    env = {
        **os.environ,
        "DESTDIR": str(root),
        "WHEEL": str(wheel()),
        "WHEELHOUSE": str(DIST / "wheelhouse"),
        "REQUIREMENTS": str(DIST / "requirements.txt"),
        "ROOTFS": str(PACKER / "rootfs"),
        "PYTHON": "python3",
        "AGENT_VERSION": "0.1.0",
        "GIT_SHA": "0" * 40,
    }
    done = subprocess.run(
        ["bash", str(PACKER / "scripts" / "install-agent.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    (root / "usr" / "lib" / "systemd").mkdir(parents=True, exist_ok=True)
    shutil.copytree(
        HOST_UNITS, root / "usr" / "lib" / "systemd" / "system", dirs_exist_ok=True, symlinks=True
    )
    return root
