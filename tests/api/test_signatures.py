"""The sandbox's API Gateway holds every route to AWS_IAM as AWS does: a request that is unsigned,
signed with the wrong secret or for another service or region, signed more than five minutes
ago, or changed after signing is a 403 before any Lambda runs, and writes nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

import boto3
import pytest
import requests
from botocore.credentials import ReadOnlyCredentials

from contracts.openapi import OPERATIONS
from sandbox.client import SANDBOX_CREDENTIALS
from sandbox.moto_server import REGION
from sandbox.sigv4 import SIGNATURE_MAX_SKEW_SECONDS
from snapshot_client.signing import signed_headers
from tests.api.conftest import ServedApi
from tests.lambdas.helpers import executions, items

BODY = json.dumps({"report": "sales_summary", "format": "csv"}).encode()
PATHS = {
    "create_snapshot": "/snapshots",
    "get_snapshot": "/snapshots/0123456789abcdef0123456789abcdef-g1",
    "list_snapshots": "/reports/sales_summary/snapshots?limit=5",
}


def send(
    api: ServedApi, method: str, path: str, headers: dict[str, str], body: bytes = b""
) -> requests.Response:
    return requests.request(method, f"{api.url}{path}", headers=headers, data=body, timeout=30)


def sign(api: ServedApi, method: str, path: str, body: bytes, **overrides: Any) -> dict[str, str]:
    credentials = overrides.get("credentials", SANDBOX_CREDENTIALS)
    region = overrides.get("region", REGION)
    return signed_headers(
        method, f"{api.url}{path}", body, credentials, region, {"Content-Type": "application/json"}
    )


@pytest.mark.parametrize("op", OPERATIONS, ids=[op.operation_id for op in OPERATIONS])
def test_a_signed_request_reaches_the_function(served_api: ServedApi, op: Any) -> None:
    body = BODY if op.method == "post" else b""
    path = PATHS[op.operation_id]
    response = send(
        served_api, op.method.upper(), path, sign(served_api, op.method.upper(), path, body), body
    )
    assert response.status_code in (200, 202, 404), response.text
    assert (
        "statusCode" in response.json() or "snapshot_id" in response.json() or "snapshots" in response.json()
    )


BAD_SIGNATURES = {
    "unsigned": lambda api, method, path, body: {"Content-Type": "application/json"},
    "wrong secret": lambda api, method, path, body: sign(
        api, method, path, body, credentials=ReadOnlyCredentials("sandbox", "not-the-secret", None)
    ),
    "unknown access key": lambda api, method, path, body: sign(
        api, method, path, body, credentials=ReadOnlyCredentials("AKIAUNKNOWN", "sandbox", None)
    ),
    "another region": lambda api, method, path, body: sign(api, method, path, body, region="eu-west-1"),
    "signed six minutes ago": lambda api, method, path, body: _signed_at(
        api, method, path, body, datetime.now(UTC) - timedelta(seconds=SIGNATURE_MAX_SKEW_SECONDS + 60)
    ),
    "garbage authorization": lambda api, method, path, body: {"Authorization": "AWS4-HMAC-SHA256 nonsense"},
}


def _signed_at(api: ServedApi, method: str, path: str, body: bytes, moment: datetime) -> dict[str, str]:
    with mock.patch("botocore.auth.get_current_datetime", return_value=moment.replace(tzinfo=None)):
        return sign(api, method, path, body)


@pytest.mark.parametrize("op", OPERATIONS, ids=[op.operation_id for op in OPERATIONS])
@pytest.mark.parametrize("how", list(BAD_SIGNATURES))
def test_a_request_not_signed_by_a_known_caller_is_a_403_and_writes_nothing(
    served_api: ServedApi, op: Any, how: str
) -> None:
    method, path = op.method.upper(), PATHS[op.operation_id]
    body = BODY if op.method == "post" else b""
    before = items(served_api.platform), executions(served_api.platform)
    response = send(served_api, method, path, BAD_SIGNATURES[how](served_api, method, path, body), body)
    assert response.status_code == 403
    assert set(response.json()) == {"message"}
    assert (items(served_api.platform), executions(served_api.platform)) == before


def test_a_body_changed_after_signing_is_a_403(served_api: ServedApi) -> None:
    headers = sign(served_api, "POST", "/snapshots", BODY)
    tampered = BODY.replace(b"csv", b"xls")
    response = send(served_api, "POST", "/snapshots", headers, tampered)
    assert response.status_code == 403
    assert "signature we calculated does not match" in response.json()["message"]


def test_a_signature_within_the_skew_is_taken(served_api: ServedApi) -> None:
    path = PATHS["list_snapshots"]
    moment = datetime.now(UTC) - timedelta(seconds=SIGNATURE_MAX_SKEW_SECONDS - 30)
    response = send(served_api, "GET", path, _signed_at(served_api, "GET", path, b"", moment))
    assert response.status_code == 200, response.text


def test_no_route_is_a_gateway_404_for_any_method(served_api: ServedApi) -> None:
    for method, path in (("DELETE", "/snapshots"), ("GET", "/nowhere"), ("PUT", "/reports/x/snapshots")):
        response = send(served_api, method, path, sign(served_api, method, path, b""))
        assert (response.status_code, response.json()) == (404, {"message": "Not Found"})


def test_an_iam_user_created_in_moto_can_call_until_its_key_is_deactivated(served_api: ServedApi) -> None:
    iam = boto3.client("iam")
    user = iam.create_user(UserName=f"{served_api.platform.name}-dana")["User"]
    key = iam.create_access_key(UserName=user["UserName"])["AccessKey"]
    dana = ReadOnlyCredentials(key["AccessKeyId"], key["SecretAccessKey"], None)
    path = PATHS["list_snapshots"]
    assert (
        send(served_api, "GET", path, sign(served_api, "GET", path, b"", credentials=dana)).status_code == 200
    )
    iam.update_access_key(UserName=user["UserName"], AccessKeyId=key["AccessKeyId"], Status="Inactive")
    refused = send(served_api, "GET", path, sign(served_api, "GET", path, b"", credentials=dana))
    assert refused.status_code == 403 and "security token" in refused.json()["message"]
