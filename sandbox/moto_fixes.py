"""Where moto differs from AWS in ways the platform relies on, the sandbox makes it behave like AWS.

Each fix is a thin wrapper applied to the in-process ``ThreadedMotoServer`` (never to the code
under test), and each names the AWS behaviour it restores:

1. DynamoDB conditional writes are atomic on AWS. moto checks the condition and then writes with
   nothing stopping another request thread in between, so its write paths are serialised.
2. ``SendTaskFailure`` carries ``cause`` into the state's error output on AWS. moto's response
   handler drops it.
3. A failed DynamoDB integration in a state machine is a catchable ``DynamoDB.<Code>`` error on
   AWS. moto's interpreter crashes with ``KeyError('RequestId')`` when the error response has no
   request id, failing the execution with ``States.Runtime`` instead.
4. ``CompleteLifecycleAction`` exists on AWS; moto has no handler for it. The fix accepts it for
   a hook the group has (a ValidationError otherwise, as on AWS) and records each call in
   ``COMPLETED_LIFECYCLE_ACTIONS`` so tests can see when an agent let its instance go.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

from moto.autoscaling.exceptions import ValidationError
from moto.autoscaling.responses import AutoScalingResponse
from moto.dynamodb.models import DynamoDBBackend
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
    state_task_service_dynamodb as sfn_dynamodb,
)
from moto.stepfunctions.responses import StepFunctionResponse

_lock = threading.RLock()
_DYNAMODB_WRITES = ("put_item", "update_item", "delete_item", "transact_write_items")
_MARK = "_sandbox_fixed"
COMPLETED_LIFECYCLE_ACTIONS: list[dict[str, Any]] = []


def _once(fixed: Callable[..., Any]) -> Callable[..., Any]:
    fixed.__dict__[_MARK] = True
    return fixed


def _atomic(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def locked(*args: Any, **kwargs: Any) -> Any:
        with _lock:
            return method(*args, **kwargs)

    return _once(locked)


def _send_task_failure(self: Any) -> Any:
    from moto.core.responses import EmptyResult

    self.stepfunction_backend.send_task_failure(
        self._get_param("taskToken"), error=self._get_param("error"), cause=self._get_param("cause")
    )
    return EmptyResult()


def _with_request_id(original: Callable[[Any], tuple[str, str]]) -> Callable[[Any], tuple[str, str]]:
    @functools.wraps(original)
    def fixed(client_error: Any) -> tuple[str, str]:
        client_error.response.setdefault("ResponseMetadata", {}).setdefault("RequestId", "moto")
        client_error.response["ResponseMetadata"].setdefault("HTTPStatusCode", 400)
        return original(client_error)

    return _once(fixed)


def _complete_lifecycle_action(self: Any) -> Any:
    import time

    from moto.core.responses import EmptyResult

    group, hook = self._get_param("AutoScalingGroupName"), self._get_param("LifecycleHookName")
    if f"{group}_{hook}" not in self.autoscaling_backend.lifecycle_hooks:
        raise ValidationError(f"No Lifecycle Hook found for {hook} on {group}")
    with _lock:
        COMPLETED_LIFECYCLE_ACTIONS.append(
            {
                "group": group,
                "hook": hook,
                "instance_id": self._get_param("InstanceId"),
                "result": self._get_param("LifecycleActionResult"),
                "at": time.monotonic(),
                "wall": time.time(),
            }
        )
    return EmptyResult()


def apply_moto_fixes() -> None:
    for name in _DYNAMODB_WRITES:
        method = getattr(DynamoDBBackend, name)
        if not getattr(method, _MARK, False):
            setattr(DynamoDBBackend, name, _atomic(method))
    if not getattr(StepFunctionResponse.send_task_failure, _MARK, False):
        StepFunctionResponse.send_task_failure = _once(_send_task_failure)  # type: ignore[method-assign]
    if not hasattr(AutoScalingResponse, "complete_lifecycle_action"):
        AutoScalingResponse.complete_lifecycle_action = _once(_complete_lifecycle_action)  # type: ignore[attr-defined]
    service = sfn_dynamodb.StateTaskServiceDynamoDB
    original = service._error_cause_from_client_error
    if not getattr(original, _MARK, False):
        service._error_cause_from_client_error = staticmethod(_with_request_id(original))  # type: ignore[method-assign,assignment]
