"""The agent never logs the AWS SDK's DEBUG records: they carry response bodies, and a
GetSecretValue answer is a credential."""

from __future__ import annotations

import logging

import pytest

from agent.log_setup import SDK_LOGGERS, quiet_sdk_loggers


@pytest.mark.parametrize(
    ("level", "expected"), [(logging.DEBUG, logging.INFO), (logging.WARNING, logging.WARNING)]
)
def test_sdk_loggers_never_go_below_info(level: int, expected: int) -> None:
    quiet_sdk_loggers(level)
    for name in SDK_LOGGERS:
        assert logging.getLogger(name).level == expected
        assert not logging.getLogger(f"{name}.parsers").isEnabledFor(logging.DEBUG)
    quiet_sdk_loggers(logging.INFO)
