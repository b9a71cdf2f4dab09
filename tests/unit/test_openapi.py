"""The OpenAPI document is the HTTP API's one description: written from the models, valid
OpenAPI 3.1, and the routes of the Lambdas, the sandbox's API Gateway and Terraform are its
operations. (Terraform's routes as applied are read back in tests/terraform.)"""

from __future__ import annotations

import json
from typing import Any

import pytest
from openapi_spec_validator import validate
from pydantic import ValidationError

from contracts.http_api import SnapshotRequest
from contracts.openapi import DOCUMENT_PATH, FUNCTION_EXTENSION, OPERATIONS, document, render
from lambdas.routes import powertools_path
from lambdas.status import Status
from lambdas.trigger import Trigger
from sandbox.api_gateway import make_app
from tests.terraform.hcl_model import TERRAFORM, load_module, unquote


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
    assert unquote(route["authorization_type"]) == "AWS_IAM"
    assert "var.openapi_document" in api.locals["openapi"]
    platform = (TERRAFORM / "platform" / "main.tf").read_text()
    assert 'openapi_document   = file("${local.repo}/contracts/openapi.json")' in platform
