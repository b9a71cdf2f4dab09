"""The installed agent's version, as its package metadata records it."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def agent_version() -> str:
    try:
        return version("snapshot-engine")
    except PackageNotFoundError:
        return "0+unknown"
