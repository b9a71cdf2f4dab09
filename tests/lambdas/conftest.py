"""Fixtures of the Lambda tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lambdas import reconciler, scaler, status, trigger

DEFAULT_FUNCTIONS = (
    trigger.default_trigger,
    status.default_status,
    scaler.default_scaler,
    reconciler.default_reconciler,
)


@pytest.fixture
def fresh_containers() -> Iterator[None]:
    """Each module's ``handler`` builds its function anew from the environment, as in a new
    container; no function built here outlives the test."""
    for default in DEFAULT_FUNCTIONS:
        default.cache_clear()
    yield
    for default in DEFAULT_FUNCTIONS:
        default.cache_clear()
