"""The Lambda entry point every function here is wrapped in: Powertools' X-Ray tracer (Terraform
turns tracing on for each function), structured logs carrying the invocation's correlation id,
and logging state cleared between invocations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

Handler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


def entry_point(logger: Logger, tracer: Tracer, correlation_id_path: str, handle: Handler) -> Handler:
    logged = logger.inject_lambda_context(correlation_id_path=correlation_id_path, clear_state=True)(handle)
    traced: Handler = tracer.capture_lambda_handler(logged)
    return traced
