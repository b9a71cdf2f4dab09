"""Where moto differs from AWS in ways the platform relies on, the sandbox makes it behave like AWS.

Each fix is a thin wrapper applied to the in-process ``ThreadedMotoServer`` (never to the code
under test), and each names the AWS behaviour it restores:

1. DynamoDB writes are atomic on AWS. moto checks a condition and then writes with nothing
   stopping another request thread in between, and it applies an update's SETs one by one to the
   stored item, where a read in another thread can see half of them (a load's ledger item read
   as FAILED without its error). So its write and read paths are serialised.
2. ``SendTaskFailure`` carries ``cause`` into the state's error output on AWS. moto's response
   handler drops it.
3. A failed DynamoDB integration in a state machine is a catchable ``DynamoDB.<Code>`` error on
   AWS. moto's interpreter crashes with ``KeyError('RequestId')`` when the error response has no
   request id, failing the execution with ``States.Runtime`` instead.
4. ``CompleteLifecycleAction`` exists on AWS; moto has no handler for it. The fix accepts it for
   a hook the group has (a ValidationError otherwise, as on AWS) and records each call in
   ``COMPLETED_LIFECYCLE_ACTIONS`` so tests can see when an agent let its instance go.
5. ``GetQueueAttributes`` returns a queue's ``RedriveAllowPolicy`` on AWS. moto stores it but never
   returns it (and refuses the name), so Terraform waits for it until its timeout. AWS returns
   the ``RedrivePolicy`` as compact JSON; moto's spaces make Terraform see a change. And
   ``SetQueueAttributes`` changes only the attributes it names on AWS; moto also clears the
   queue's ``Policy`` when the call does not name it, so setting a DLQ's redrive-allow policy
   wiped its TLS-only policy.
6. ``ValidateStateMachineDefinition`` and ``ListStateMachineVersions`` exist on AWS; moto has
   neither, and Terraform's provider calls both. Validation parses the definition with moto's own
   ASL parser, so a definition moto could not run fails here as it would fail AWS's validation.
7. S3 bucket policies evaluate their conditions on AWS: a statement applies only when every
   condition holds for the request. moto ignores operators it does not know (``Bool`` among them)
   and so applies a Deny whose condition is unmet: a TLS-only policy
   (``Bool aws:SecureTransport = false``) then denies every request. The fix evaluates the usual
   operators against the request's context, in which ``aws:SecureTransport`` is true: moto's
   endpoint stands for AWS's HTTPS one.
8. ``PutBucketLogging`` checks that the target bucket's policy lets the logging service write
   under the target prefix. moto crashes on a statement whose principal is ``"*"`` (as a TLS-only
   Deny has) and demands the policy's resource be exactly the prefix; AWS accepts any resource
   pattern covering it (``logs/s3/*`` covers ``logs/s3/<bucket>/``).
9. AWS managed IAM policies exist in every account; moto loads them only when told to, through
   an environment variable read when an account's IAM backend is first made (so before the server
   answers anything).
10. The context object's ``$$.Execution.StartTime`` is an ISO-8601 string on AWS. moto keeps a
   datetime there, so any state that formats it (``States.Format``) fails the execution with
   ``States.Runtime``.
11. Each attempt of a retried ``waitForTaskToken`` task gets a task token of its own on AWS: the
   failed attempt's token is closed. moto makes one token when the state is entered and reuses it
   for every retry, so the first attempt's outcome answers the next attempts at once: a
   ``Render.Transient`` retried twice failed three times within seconds, rendered once.
12. An event EventBridge delivers to a target carries the envelope's ``account`` on AWS. moto's
   default input template for ``PutEvents`` deliveries leaves it out, so a consumer that parses
   the envelope (Powertools' ``EventBridgeModel``, in the trigger) refuses a "Data Landed" event
   the load state machine put on the bus.
13. ``StopExecution`` ends an execution at once on AWS: it is ABORTED from then on. moto only
   signals the interpreter, and the execution stays RUNNING until its current state ends, so one
   waiting for a task token stays RUNNING until that state's timeout (hours).
14. ``SendTaskHeartbeat``, ``SendTaskSuccess`` and ``SendTaskFailure`` for a task that no longer
   waits answer ``TaskTimedOut``, ``TaskDoesNotExist`` or ``InvalidToken`` on AWS. moto looks for
   the token in every RUNNING execution, and one whose interpreter has already let go of its
   environment (stopped, or ended under load) makes it crash with a 500 (``AttributeError:
   'NoneType' object has no attribute 'callback_pool_manager'``), so the agent never learns the
   task is gone. Those executions are skipped: no waiting task lives in them.
15. ``SendTaskHeartbeat`` for a task that still waits succeeds on AWS whether or not its state
   sets ``HeartbeatSeconds`` (ours do not: a job may wait hours for capacity). moto answers
   ``InvalidToken`` unless the state has a heartbeat clock, which told the agent every live task
   was gone and made it abandon them all.
16. ``StopExecution``'s ``error`` and ``cause`` are kept on AWS: ``DescribeExecution`` and the
   execution's status-change event carry them. moto's handler drops both, so an operator's reason
   for stopping never reached the item the reconciler fails.
"""

from __future__ import annotations

import datetime
import fnmatch
import functools
import json
import os
import threading
from collections.abc import Callable
from typing import Any

from moto.autoscaling.exceptions import ValidationError
from moto.autoscaling.responses import AutoScalingResponse
from moto.dynamodb.models import DynamoDBBackend
from moto.events.utils import EventTemplateParser
from moto.iam.access_control import IAMPolicyStatement, PermissionResult
from moto.s3.models import FakeBucket
from moto.sqs.models import Queue, SQSBackend
from moto.stepfunctions.parser.api import ExecutionStatus
from moto.stepfunctions.parser.asl.component.state.exec.execute_state import ExecutionState
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
    state_task_service_dynamodb as sfn_dynamodb,
)
from moto.stepfunctions.parser.asl.eval.callback.callback import CallbackEndpoint
from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker
from moto.stepfunctions.parser.models import StepFunctionsParserBackend
from moto.stepfunctions.responses import StepFunctionResponse

from sandbox import moto_faults

LOCK = threading.RLock()  # held through every serialised moto call (fix 1, fix 4's record)
_DYNAMODB_CALLS = (
    "put_item",
    "update_item",
    "delete_item",
    "transact_write_items",
    "get_item",
    "query",
    "scan",
)
_MARK = "_sandbox_fixed"
COMPLETED_LIFECYCLE_ACTIONS: list[dict[str, Any]] = []
# What moto is told at start (POST /moto-api/config): run state machines.
MOTO_CONFIG = {"stepfunctions": {"execute_state_machine": True}}
# The request context bucket policies are evaluated in (fix 7).
S3_REQUEST_CONTEXT = {"aws:securetransport": "true"}
REDRIVE_ALLOW_POLICY = "RedriveAllowPolicy"
LOGGING_SERVICE = "logging.s3.amazonaws.com"
# Fix 12: moto's own template, with the envelope's account (its paths map already reads it).
EVENT_TEMPLATE_WITH_ACCOUNT = EventTemplateParser.DEFAULT_EVENT_INPUT_TEMPLATE.replace(
    '"version": "0",', '"version": "0", "account": "<account>",'
)


def _once(fixed: Callable[..., Any]) -> Callable[..., Any]:
    fixed.__dict__[_MARK] = True
    return fixed


def _atomic(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def locked(*args: Any, **kwargs: Any) -> Any:
        with LOCK:
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
    with LOCK:
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


def _queue_attributes_as_aws_returns(
    original: Callable[..., dict[str, Any]],
) -> Callable[..., dict[str, Any]]:
    @functools.wraps(original)
    def fixed(self: Any, queue_name: str, attribute_names: list[str]) -> dict[str, Any]:
        others = [name for name in attribute_names if name != REDRIVE_ALLOW_POLICY]
        attributes = original(self, queue_name, others) if others else {}
        policy = getattr(self.get_queue(queue_name), "redrive_allow_policy", None)
        if policy and ("All" in attribute_names or REDRIVE_ALLOW_POLICY in attribute_names):
            attributes[REDRIVE_ALLOW_POLICY] = policy
        if attributes.get("RedrivePolicy"):
            attributes["RedrivePolicy"] = json.dumps(
                json.loads(attributes["RedrivePolicy"]), separators=(",", ":")
            )
        return attributes

    return _once(fixed)


def _keeping_policy(original: Callable[..., None]) -> Callable[..., None]:
    @functools.wraps(original)
    def fixed(self: Any, attributes: dict[str, Any], now: float | None = None) -> None:
        policy = getattr(self, "policy", None)
        original(self, attributes, now)
        if "Policy" not in attributes:
            self.policy = policy

    return _once(fixed)


def _validate_state_machine_definition(self: Any) -> Any:
    from moto.core.responses import ActionResult
    from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser

    try:
        AmazonStateLanguageParser.parse(self._get_param("definition"))
    except Exception as error:  # any parse failure is the definition's fault, as AWS reports it
        diagnostic = {"severity": "ERROR", "code": "SCHEMA_VALIDATION_FAILED", "message": str(error)[:2000]}
        return ActionResult({"result": "FAIL", "diagnostics": [diagnostic], "truncated": False})
    return ActionResult({"result": "OK", "diagnostics": [], "truncated": False})


def _list_state_machine_versions(self: Any) -> Any:
    from moto.core.responses import ActionResult

    machine = self.stepfunction_backend.describe_state_machine(self._get_param("stateMachineArn"))
    versions = sorted(machine.versions.values(), key=lambda v: v.version, reverse=True)
    listed = [{"stateMachineVersionArn": v.arn, "creationDate": v.creation_date} for v in versions]
    return ActionResult({"stateMachineVersions": listed})


def _condition_holds(operator: str, key: str, expected: Any, context: dict[str, str]) -> bool:
    """One IAM condition (operator, key, values) against the request context (keys lower-cased)."""
    values = [str(v) for v in (expected if isinstance(expected, list) else [expected])]
    if_exists = operator.endswith("IfExists")
    operator = operator.removesuffix("IfExists").removeprefix("ForAnyValue:").removeprefix("ForAllValues:")
    actual = context.get(key.lower())
    if operator == "Null":
        return (actual is None) == (values[0].lower() == "true")
    if actual is None:
        return if_exists
    if operator == "Bool":
        return actual.lower() in (v.lower() for v in values)
    if operator in ("StringEquals", "ArnEquals"):
        return actual in values
    if operator in ("StringNotEquals", "ArnNotEquals"):
        return actual not in values
    if operator == "StringEqualsIgnoreCase":
        return actual.lower() in (v.lower() for v in values)
    if operator in ("StringLike", "ArnLike"):
        return any(fnmatch.fnmatchcase(actual, v) for v in values)
    if operator in ("StringNotLike", "ArnNotLike"):
        return not any(fnmatch.fnmatchcase(actual, v) for v in values)
    return False  # an operator this evaluator does not know: the statement does not apply


def _statement_applies(statement: dict[str, Any], context: dict[str, str]) -> bool:
    conditions = statement.get("Condition") or {}
    return all(
        _condition_holds(operator, key, expected, context)
        for operator, keys in conditions.items()
        for key, expected in keys.items()
    )


def _bucket_permission(self: Any, action: str, resource: str) -> Any:
    if self.policy is None:
        return PermissionResult.NEUTRAL
    statements = json.loads(self.policy.decode())["Statement"]
    permitted = False
    for statement in statements if isinstance(statements, list) else [statements]:
        if not _statement_applies(statement, S3_REQUEST_CONTEXT):
            continue
        unconditional = {k: v for k, v in statement.items() if k != "Condition"}
        result = IAMPolicyStatement(unconditional).is_action_permitted(action, resource)
        if result == PermissionResult.DENIED:
            return result
        permitted = permitted or result == PermissionResult.PERMITTED
    return PermissionResult.PERMITTED if permitted else PermissionResult.NEUTRAL


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _log_permissions_enabled_policy(target_bucket: Any, target_prefix: str | None) -> bool:
    if not target_bucket.policy:
        return False
    log_object = f"arn:{target_bucket.partition}:s3:::{target_bucket.name}/{target_prefix or ''}log-object"
    for statement in _as_list(json.loads(target_bucket.policy.decode())["Statement"]):
        principal = statement.get("Principal")
        if not isinstance(principal, dict) or LOGGING_SERVICE not in _as_list(principal.get("Service")):
            continue
        if statement.get("Effect") != "Allow" or "s3:PutObject" not in _as_list(statement.get("Action")):
            continue
        if any(fnmatch.fnmatchcase(log_object, pattern) for pattern in _as_list(statement.get("Resource"))):
            return True
    return False


def _start_time_as_text(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    @functools.wraps(original)
    def fixed(self: Any) -> Any:
        environment = original(self)
        execution = environment.states.context_object.context_object_data["Execution"]
        if isinstance(execution["StartTime"], datetime.datetime):
            execution["StartTime"] = execution["StartTime"].isoformat()
        return environment

    return _once(fixed)


def _fresh_token_per_attempt(original: Callable[[Any, Any], None]) -> Callable[[Any, Any], None]:
    @functools.wraps(original)
    def fixed(self: Any, env: Any) -> None:
        context = env.states.context_object
        if "Task" in context.context_object_data and context.context_object_data["State"]["RetryCount"] > 0:
            env.callback_pool_manager.add(context.update_task_token())
        original(self, env)

    return _once(fixed)


def _aborted_at_once(original: Callable[[Any, str], Any]) -> Callable[[Any, str], Any]:
    @functools.wraps(original)
    def fixed(self: Any, execution_arn: str) -> Any:
        execution = original(self, execution_arn)
        if execution.exec_status == ExecutionStatus.RUNNING:
            execution.exec_status = ExecutionStatus.ABORTED
            execution.stop_date = datetime.datetime.now(datetime.UTC)
        return execution

    return _once(fixed)


def _with_live_interpreters(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def fixed(self: Any, execution_status: Any = None) -> Any:
        found = original(self, execution_status)
        if execution_status != ExecutionStatus.RUNNING:
            return found
        return [e for e in found if getattr(getattr(e, "exec_worker", None), "env", None) is not None]

    return _once(fixed)


def _heartbeat_without_a_clock(original: Callable[[Any], bool]) -> Callable[[Any], bool]:
    @functools.wraps(original)
    def fixed(self: Any) -> bool:
        original(self)
        return True

    return _once(fixed)


def _stop_execution(self: Any) -> Any:
    from moto.core.responses import ActionResult

    execution = self.stepfunction_backend.stop_execution(self._get_param("executionArn"))
    for field in ("error", "cause"):
        if self._get_param(field) is not None:
            setattr(execution, field, self._get_param(field))
    return ActionResult({"stopDate": execution.stop_date})


def apply_moto_fixes() -> None:
    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
    if '"account"' not in EventTemplateParser.DEFAULT_EVENT_INPUT_TEMPLATE:
        EventTemplateParser.DEFAULT_EVENT_INPUT_TEMPLATE = EVENT_TEMPLATE_WITH_ACCOUNT
    attempt = ExecutionState._evaluate_with_timeout
    if not getattr(attempt, _MARK, False):
        ExecutionState._evaluate_with_timeout = _fresh_token_per_attempt(attempt)  # type: ignore[method-assign,assignment]
    running = StepFunctionsParserBackend._get_executions
    if not getattr(running, _MARK, False):
        StepFunctionsParserBackend._get_executions = _with_live_interpreters(running)  # type: ignore[method-assign]
    beat = CallbackEndpoint.notify_heartbeat
    if not getattr(beat, _MARK, False):
        CallbackEndpoint.notify_heartbeat = _heartbeat_without_a_clock(beat)  # type: ignore[method-assign,assignment]
    stop = StepFunctionsParserBackend.stop_execution
    if not getattr(stop, _MARK, False):
        StepFunctionsParserBackend.stop_execution = _aborted_at_once(stop)  # type: ignore[method-assign,assignment]
    environment = ExecutionWorker._get_evaluation_environment
    if not getattr(environment, _MARK, False):
        ExecutionWorker._get_evaluation_environment = _start_time_as_text(environment)  # type: ignore[method-assign,assignment]
    moto_faults.install(DynamoDBBackend)  # inert until a test arms a fault
    for name in _DYNAMODB_CALLS:
        method = getattr(DynamoDBBackend, name)
        if not getattr(method, _MARK, False):
            setattr(DynamoDBBackend, name, _atomic(method))
    if not getattr(StepFunctionResponse.stop_execution, _MARK, False):
        StepFunctionResponse.stop_execution = _once(_stop_execution)  # type: ignore[method-assign]
    if not getattr(StepFunctionResponse.send_task_failure, _MARK, False):
        StepFunctionResponse.send_task_failure = _once(_send_task_failure)  # type: ignore[method-assign]
    if not hasattr(AutoScalingResponse, "complete_lifecycle_action"):
        AutoScalingResponse.complete_lifecycle_action = _once(_complete_lifecycle_action)  # type: ignore[attr-defined]
    if not getattr(SQSBackend.get_queue_attributes, _MARK, False):
        SQSBackend.get_queue_attributes = _queue_attributes_as_aws_returns(SQSBackend.get_queue_attributes)  # type: ignore[method-assign]
    if not getattr(Queue._set_attributes, _MARK, False):
        Queue._set_attributes = _keeping_policy(Queue._set_attributes)  # type: ignore[method-assign]
    for name, handler in (
        ("validate_state_machine_definition", _validate_state_machine_definition),
        ("list_state_machine_versions", _list_state_machine_versions),
    ):
        if not hasattr(StepFunctionResponse, name):
            setattr(StepFunctionResponse, name, _once(handler))
    if not getattr(FakeBucket.get_permission, _MARK, False):
        FakeBucket.get_permission = _once(_bucket_permission)  # type: ignore[method-assign]
    if not getattr(FakeBucket._log_permissions_enabled_policy, _MARK, False):
        FakeBucket._log_permissions_enabled_policy = staticmethod(_once(_log_permissions_enabled_policy))  # type: ignore[method-assign]
    service = sfn_dynamodb.StateTaskServiceDynamoDB
    original = service._error_cause_from_client_error
    if not getattr(original, _MARK, False):
        service._error_cause_from_client_error = staticmethod(_with_request_id(original))  # type: ignore[method-assign,assignment]
