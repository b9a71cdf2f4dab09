"""Run a make target as a user would, with a chosen PATH (to leave tools out or put fakes in)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_make(*args: str, path: str, home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    # The user's environment (proxies, certificates), but no AWS credentials and the given PATH.
    inherited = {
        k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k not in ("PATH", "HOME")
    }
    full_env = {**inherited, "PATH": path, "HOME": str(home), **env}
    return subprocess.run(
        ["make", "--no-print-directory", "-s", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def fake_tool(bin_dir: Path, name: str, script: str) -> Path:
    bin_dir.mkdir(exist_ok=True)
    tool = bin_dir / name
    tool.write_text("#!/bin/sh\n" + script)
    tool.chmod(0o755)
    return bin_dir
