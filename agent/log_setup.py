"""The agent's logging: one line per record with the worker's id, and never the AWS SDK's DEBUG
records, which carry request and response bodies (a GetSecretValue answer is a credential)."""

from __future__ import annotations

import logging

SDK_LOGGERS = ("botocore", "aiobotocore", "boto3", "aioboto3", "urllib3", "s3transfer")


def configure(level: str, worker_id: str) -> None:
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s [" + worker_id + "] %(message)s",
    )
    quiet_sdk_loggers(logging.getLevelName(level.upper()))


def quiet_sdk_loggers(level: int) -> None:
    """The SDK's loggers at ``level``, but never below INFO."""
    for name in SDK_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.INFO, level))
