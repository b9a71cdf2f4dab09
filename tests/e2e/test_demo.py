"""``make demo`` is the newcomer's first command: it must pass here exactly as a user runs it
(writing into a temporary folder instead of the repository's out/). It is the one proof that the
demo's own script works; each behaviour it shows is proven in depth by its own suite."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sandbox.demo import expected_counts
from sandbox.platform import ROOT


def test_demo_exits_0_with_every_count_as_expected(tmp_path: Path) -> None:
    env = {**os.environ, "SNAPSHOT_DEMO_OUT": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "sandbox", "demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "every outcome as expected" in done.stdout
    summary = json.loads((tmp_path / "demo-summary.json").read_text())
    assert {k: summary[k] for k in expected_counts()} == expected_counts()
    for snapshot in summary["snapshots"]:
        assert set(snapshot) >= {"id", "report", "format", "status", "size_bytes", "sha256", "file"}
        if snapshot["status"] == "READY":
            assert (ROOT / snapshot["file"]).stat().st_size == snapshot["size_bytes"]
