"""Faults injected into the sandbox's moto, for tests that must see how the platform meets AWS's
transient errors (throttling) where moto has none: ``throttle(table, "update_item", times)`` makes
the next ``times`` such calls on that table answer ``ProvisionedThroughputExceededException``, as
DynamoDB does under load, to any caller, the state machine's integrations included.

Installed with the other moto fixes (``apply_moto_fixes``); inert until a test arms it. It works on
the in-process ``ThreadedMotoServer`` the tests run.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

from moto.dynamodb.exceptions import ERROR_TYPE_PREFIX, DynamodbException

CALLS = ("update_item", "put_item", "get_item")
_ARMED: dict[tuple[str, str], int] = {}
_LOCK = threading.Lock()
_MARK = "_sandbox_faults"


class Throttled(DynamodbException):
    def __init__(self) -> None:
        super().__init__(
            ERROR_TYPE_PREFIX + "ProvisionedThroughputExceededException",
            "The level of configured provisioned throughput for the table was exceeded.",
        )


def throttle(table: str, call: str, times: int) -> None:
    """The next ``times`` calls of ``call`` on ``table`` are throttled."""
    with _LOCK:
        _ARMED[(table, call)] = times


def remaining(table: str, call: str) -> int:
    with _LOCK:
        return _ARMED.get((table, call), 0)


def disarm() -> None:
    with _LOCK:
        _ARMED.clear()


def faulty(call: str, method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def wrapped(self: Any, table_name: str, *args: Any, **kwargs: Any) -> Any:
        with _LOCK:
            left = _ARMED.get((table_name, call), 0)
            if left:
                _ARMED[(table_name, call)] = left - 1
        if left:
            raise Throttled()
        return method(self, table_name, *args, **kwargs)

    wrapped.__dict__[_MARK] = True
    return wrapped


def install(backend: type) -> None:
    for call in CALLS:
        method = getattr(backend, call)
        if not getattr(method, _MARK, False):
            setattr(backend, call, faulty(call, method))
