"""Bodies that once crashed the trigger (HTTP 500): JSON nested thousands of levels deep, and
bytes that are not UTF-8. Each is now a 400 with a reason, and writes nothing."""

from __future__ import annotations

import base64
import copy
import json
from typing import Any

import pytest

from contracts.http_api import MAX_NESTING
from lambdas.json_body import nesting
from sandbox.lambda_runtime import invoke
from sandbox.platform import Platform
from sandbox.runtime import Functions
from tests.lambdas.helpers import executions, items, recorded


def send(functions: Functions, body: str, base64_encoded: bool = False) -> tuple[int, dict[str, Any]]:
    event = copy.deepcopy(recorded("http_post_snapshots.json"))
    event["body"], event["isBase64Encoded"] = body, base64_encoded
    result = invoke(functions.trigger.handle, "trigger", event)
    return int(result["statusCode"]), json.loads(result["body"])


def encoded(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


HOSTILE = [
    ("[" * 5000 + "]" * 5000, False, "nests deeper than 32 levels"),
    ('{"report": ' + "[" * 3000 + "]" * 3000 + "}", False, "nests deeper than 32 levels"),
    ('{"params": {"a": ' + "{" * (MAX_NESTING - 1) + "}" * (MAX_NESTING - 1) + "}}", False, "nests deeper"),
    (encoded(b'{"report": "\xff\xfe", "format": "csv"}'), True, "not UTF-8: invalid byte at position 12"),
    (encoded(b"\xc3\x28"), True, "not UTF-8"),
    ("not base64 at all!", True, "not valid base64"),
    # Python's parser takes these, and then DynamoDB (NaN) or boto3's UTF-8 encoding (a lone
    # surrogate) would fail the write: a 500.
    ('{"report": "sales_summary", "format": "csv", "params": {"n": NaN}}', False, "NaN is not a JSON value"),
    ('{"report": "sales_summary", "format": "csv", "params": {"n": -Infinity}}', False, "Infinity is not"),
    ('{"report": "sales_summary", "format": "csv", "data_version": "\\ud800"}', False, "unpaired UTF-16"),
]


@pytest.mark.parametrize(("body", "base64_encoded", "message"), HOSTILE, ids=[h[2][:24] for h in HOSTILE])
def test_a_hostile_body_is_a_400_with_its_reason_and_writes_nothing(
    platform: Platform, functions: Functions, body: str, base64_encoded: bool, message: str
) -> None:
    status, answer = send(functions, body, base64_encoded)
    assert (status, answer["statusCode"]) == (400, 400)
    assert message in answer["message"]
    assert items(platform) == [] and executions(platform) == []


def test_a_base64_body_that_is_a_good_request_is_taken(platform: Platform, functions: Functions) -> None:
    request = {"report": "sales_summary", "format": "csv", "params": {"region": "EMEA"}}
    status, answer = send(functions, encoded(json.dumps(request).encode()), base64_encoded=True)
    assert (status, answer["decision"]) == (202, "created")


def test_nesting_counts_brackets_outside_strings_only() -> None:
    assert nesting('{"a": [1, {"b": 2}]}') == 3
    assert nesting('{"a": "[[[[{{{{"}') == 1
    assert nesting(r'{"a": "\"[[[["}') == 1
    assert nesting("") == 0
    assert nesting("[" * MAX_NESTING + "]" * MAX_NESTING) == MAX_NESTING
