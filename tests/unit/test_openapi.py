"""The OpenAPI document is the HTTP API's one description: written from the models, valid
OpenAPI 3.1, and the routes of the Lambdas, the sandbox's API Gateway and Terraform are its
operations. (Terraform's routes as applied are read back in tests/terraform.)"""

from __future__ import annotations

import json
from typing import Any

import pytest
from openapi_spec_validator import validate
from pydantic import ValidationError

from contracts.catalog import REPORT_NAME
from contracts.http_api import (
    FORMAT_PATTERN,
    MAX_AGE_LIMIT_SECONDS,
    MAX_BODY_BYTES,
    MAX_DATA_VERSION,
    MAX_NESTING,
    MAX_NEXT_TOKEN,
    MAX_PAGE,
    MAX_PARAM_NAME,
    MAX_PARAMS,
    MAX_STRING_PARAM,
    NUMBER_MAGNITUDE,
    SNAPSHOT_REF_PATTERN,
    SnapshotRequest,
)
from contracts.openapi import DOCUMENT_PATH, FUNCTION_EXTENSION, OPERATIONS, document, render
from lambdas.routes import powertools_path
from lambdas.status import Status
from lambdas.trigger import Trigger
from sandbox.api_gateway import MAX_REQUEST_LINE_AND_HEADERS, make_app
from tests.terraform.hcl_model import ROOT, TERRAFORM, load_module, unquote


def committed() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DOCUMENT_PATH.read_text())
    return loaded


def test_the_committed_document_is_the_one_the_models_give() -> None:
    assert DOCUMENT_PATH.read_text() == render(), "contracts/openapi.json is stale: run make docs"


def test_the_document_is_valid_openapi_3_1() -> None:
    doc = committed()
    assert doc["openapi"].startswith("3.1")
    validate(doc)


def test_every_operation_is_signed_and_names_its_function() -> None:
    doc = document()
    assert doc["security"] == [{"sigv4": []}]
    for op in OPERATIONS:
        entry = doc["paths"][op.path][op.method]
        assert entry[FUNCTION_EXTENSION] == op.function
        assert "security" not in entry, "an operation must not override the SigV4 requirement"
        assert {"403", "429"} <= set(entry["responses"])


def test_the_documents_request_examples_are_valid_requests() -> None:
    examples = committed()["components"]["schemas"]["SnapshotRequest"]["examples"]
    assert examples
    for example in examples:
        SnapshotRequest.model_validate(example)


@pytest.mark.parametrize(
    "body",
    [
        {"report": "Bad Name", "format": "csv"},
        {"report": "r", "format": "csv", "params": {"n": 2**63}},
        {"report": "r", "format": "csv", "params": {"n": 1e200}},
        {"report": "r", "format": "csv", "params": {"n": 1e-200}},
        {"report": "r", "format": "csv", "params": {"n": [1]}},
        {"report": "r", "format": "csv", "params": {f"p{i}": 1 for i in range(33)}},
        {"report": "r", "format": "csv", "max_age_seconds": 10**12},
        {"report": "r", "format": "CSV"},
    ],
)
def test_what_dynamodb_or_the_catalog_could_never_take_is_refused_by_the_model(body: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        SnapshotRequest.model_validate(body)


@pytest.mark.parametrize(("cls", "function"), [(Trigger, "trigger"), (Status, "status")])
def test_each_operation_is_answered_by_the_method_its_operation_id_names(cls: type, function: str) -> None:
    for op in OPERATIONS:
        assert (op.function == function) == hasattr(cls, op.operation_id), op.operation_id


def test_the_sandbox_gateway_routes_exactly_the_documents_operations() -> None:
    app = make_app(lambda e, c: {}, lambda e, c: {})
    routes = {
        (route.method, route.resource.canonical)
        for route in app.router.routes()
        if route.resource is not None and route.method != "*"
    }
    assert routes == {(op.method.upper(), op.path) for op in OPERATIONS}


def test_powertools_paths_carry_the_documents_parameter_names() -> None:
    assert powertools_path("/reports/{report}/snapshots") == "/reports/<report>/snapshots"


def test_terraform_makes_its_routes_from_the_document() -> None:
    api = load_module(TERRAFORM / "modules" / "api")
    route = api.resources[("aws_apigatewayv2_route", "this")]
    assert route["for_each"] == "${local.routes}"
    # AWS_IAM unless an environment chooses a JWT authorizer (the plans on moto evaluate both)
    assert unquote(route["authorization_type"]) == '${var.jwt_authorizer == null ? "AWS_IAM" : "JWT"}'
    assert "var.openapi_document" in api.locals["openapi"]
    platform = (TERRAFORM / "platform" / "main.tf").read_text()
    assert 'openapi_document   = file("${local.repo}/contracts/openapi.json")' in platform


DASH = "\u2013"


def test_the_limits_table_states_the_models_limits() -> None:
    page = (ROOT / "docs" / "http-api.md").read_text()
    table = page.split("## Limits", 1)[1].split("\n## ", 1)[0]
    for fact in (
        f"{MAX_BODY_BYTES // 1024} KiB",
        f"{MAX_NESTING} levels",
        f"`{REPORT_NAME}`",
        f"`{FORMAT_PATTERN}`",
        f"at most {MAX_PARAMS}, names 1{DASH}{MAX_PARAM_NAME}",
        f"{MAX_STRING_PARAM:,} characters",
        f"1{DASH}{MAX_DATA_VERSION} characters",
        f"0 to {MAX_AGE_LIMIT_SECONDS // 86400} days",
        f"`{SNAPSHOT_REF_PATTERN}`",
        f"1{DASH}{MAX_PAGE}; base64url, at most {MAX_NEXT_TOKEN}",
        f"{MAX_REQUEST_LINE_AND_HEADERS:,} bytes",
        f"{NUMBER_MAGNITUDE[0]:g} to {NUMBER_MAGNITUDE[1]:g}",
    ):
        assert fact in table, fact
