"""The trigger and status functions start as Lambda starts them: the module's ``handler`` builds its
function once, from the environment Terraform sets, and logs each invocation with its correlation
id (API Gateway's request id, or the EventBridge event's id)."""

from __future__ import annotations

import json

import pytest

from lambdas import status, trigger
from lambdas.settings import SettingsError
from sandbox.lambda_runtime import LambdaContext
from sandbox.platform import Platform
from tests.lambdas.helpers import recorded


@pytest.fixture
def cold_start(platform: Platform, monkeypatch: pytest.MonkeyPatch, fresh_containers: None) -> None:
    """The environment Terraform sets on the trigger and status functions."""
    for name, value in platform.lambda_env().items():
        monkeypatch.setenv(name, value)


@pytest.mark.usefixtures("cold_start")
def test_the_functions_read_the_settings_the_sandbox_gives_them(platform: Platform) -> None:
    assert trigger.default_trigger().settings == platform.trigger_settings()
    assert status.default_status().settings == platform.status_settings()
    assert trigger.default_trigger() is trigger.default_trigger()


@pytest.mark.usefixtures("cold_start")
def test_an_http_request_is_logged_with_api_gateways_request_id(lambda_context: LambdaContext) -> None:
    event = recorded("http_post_snapshots.json")
    event["body"] = json.dumps({"report": "sales_summary", "format": "csv"})
    assert trigger.handler(event, lambda_context)["statusCode"] == 202  # type: ignore[arg-type]
    assert trigger.logger.get_correlation_id() == event["requestContext"]["requestId"]

    event = recorded("http_get_snapshot.json")
    assert status.handler(event, lambda_context)["statusCode"] in (200, 404)  # type: ignore[arg-type]
    assert status.logger.get_correlation_id() == event["requestContext"]["requestId"]


@pytest.mark.usefixtures("cold_start")
def test_an_eventbridge_request_is_logged_with_its_event_id(lambda_context: LambdaContext) -> None:
    event = recorded("eventbridge_snapshot_requested.json")
    result = trigger.handler(event, lambda_context)  # type: ignore[arg-type]
    assert result["requested"][0]["decision"] == "created"
    assert trigger.logger.get_correlation_id() == event["id"]


@pytest.mark.usefixtures("cold_start")
def test_a_missing_required_setting_fails_the_cold_start_with_its_name(
    monkeypatch: pytest.MonkeyPatch, lambda_context: LambdaContext
) -> None:
    monkeypatch.delenv("STATE_MACHINE_ARN")
    with pytest.raises(SettingsError, match=r"^TriggerSettings: STATE_MACHINE_ARN: Field required$"):
        trigger.handler(recorded("http_post_snapshots.json"), lambda_context)  # type: ignore[arg-type]
