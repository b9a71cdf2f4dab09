"""Local servers the tests need: outside CI a missing one skips, in CI it fails."""

from __future__ import annotations

import os

import pytest

IN_CI = os.environ.get("CI") == "true"


def require_service(name: str, reason: str) -> None:
    """Outside CI a missing local server skips; in CI it is a failure."""
    if IN_CI:
        pytest.fail(f"{name} is required in CI: {reason}")
    pytest.skip(f"{name} not available: {reason}")
