"""Waiting for a condition instead of sleeping a fixed time (the sandbox's own, shared)."""

from sandbox.waiting import eventually

__all__ = ["eventually"]
