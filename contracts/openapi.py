"""The HTTP API as an OpenAPI 3.1 document, built from the operations below and the models in
``contracts.http_api``. Terraform makes its routes from the written file (``contracts/openapi.json``),
the Lambdas and the sandbox's API Gateway register theirs from ``OPERATIONS``, and the fuzz tests
drive the sandbox with the document. ``python -m contracts.openapi`` (``make docs``) rewrites the
file; a test fails when it is stale."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from contracts.catalog import REPORT_NAME
from contracts.http_api import (
    DEFAULT_PAGE,
    MAX_BODY_BYTES,
    MAX_NESTING,
    MAX_NEXT_TOKEN,
    MAX_PAGE,
    NEXT_TOKEN_PATTERN,
    SNAPSHOT_REF_PATTERN,
    ApiError,
    GatewayError,
    SnapshotAccepted,
    SnapshotPage,
    SnapshotRequest,
    SnapshotStatus,
    Superseded,
)

DOCUMENT_PATH = Path(__file__).with_name("openapi.json")
Function = Literal["trigger", "status"]
# The extension that names the Lambda an operation runs on; Terraform reads it for its routes.
FUNCTION_EXTENSION = "x-snapshot-engine-function"
SECURITY_SCHEME = "sigv4"


@dataclass(frozen=True)
class Operation:
    operation_id: str  # also the name of the Lambda's method that answers it
    method: Literal["get", "post"]
    path: str
    function: Function
    summary: str
    own_responses: dict[int, tuple[type[BaseModel], str]]
    parameters: list[dict[str, Any]] = field(default_factory=list)
    request: type[BaseModel] | None = None

    @property
    def responses(self) -> dict[int, tuple[tuple[type[BaseModel], ...], str]]:
        """The function's answers and API Gateway's, both bodies allowed where the codes meet."""
        merged = {code: ((model,), text) for code, (model, text) in self.own_responses.items()}
        for code, (model, text) in GATEWAY_RESPONSES.items():
            models, own_text = merged.get(code, ((), ""))
            merged[code] = ((*models, model), f"{own_text} Or {text}" if own_text else text)
        return dict(sorted(merged.items()))

    @property
    def route_key(self) -> str:
        """API Gateway's name for the route: ``POST /snapshots``."""
        return f"{self.method.upper()} {self.path}"


GATEWAY_RESPONSES: dict[int, tuple[type[BaseModel], str]] = {
    403: (GatewayError, "API Gateway: the request is not signed with SigV4 by an allowed principal."),
    413: (GatewayError, "API Gateway: request line and headers over 10,240 bytes, or a body over 10 MB."),
    429: (GatewayError, "API Gateway: throttled; retry with backoff."),
}


def path_parameter(name: str, pattern: str, description: str) -> dict[str, Any]:
    schema = {"type": "string", "pattern": pattern}
    return {"name": name, "in": "path", "required": True, "description": description, "schema": schema}


OPERATIONS = (
    Operation(
        operation_id="create_snapshot",
        method="post",
        path="/snapshots",
        function="trigger",
        summary="Request a snapshot: reuse a fresh one, join a render under way, or start one.",
        request=SnapshotRequest,
        own_responses={
            200: (SnapshotAccepted, "`decision: reused`: a fresh READY snapshot answers."),
            202: (SnapshotAccepted, "`decision: created`, `joined` or `regenerated`: poll `links.self`."),
            403: (ApiError, "The caller may not request this report, or see an entitled param's value."),
            400: (ApiError, f"Not UTF-8, nested over {MAX_NESTING} levels, not JSON, or not an object."),
            404: (ApiError, "No such report in the catalog."),
            413: (ApiError, f"The body is larger than {MAX_BODY_BYTES} bytes."),
            422: (ApiError, "A field, a param or the format does not fit the schema or the catalog."),
            503: (ApiError, "The catalog cannot be read, or the render could not be started yet: retry."),
        },
    ),
    Operation(
        operation_id="get_snapshot",
        method="get",
        path="/snapshots/{snapshot_id}",
        function="status",
        summary="A snapshot's status and, when READY, a presigned download URL.",
        parameters=[
            path_parameter(
                "snapshot_id",
                SNAPSHOT_REF_PATTERN,
                "`<key>-g<generation>` names one render; a bare `<key>` names the current generation.",
            )
        ],
        own_responses={
            200: (SnapshotStatus, "The snapshot."),
            400: (ApiError, "Not a snapshot id."),
            403: (ApiError, "The request carries no caller identity."),
            404: (ApiError, "No such snapshot, or one the caller may not see."),
            410: (Superseded, "A newer generation replaced this one; the body names it."),
            503: (ApiError, "The catalog cannot be read: retry."),
        },
    ),
    Operation(
        operation_id="list_snapshots",
        method="get",
        path="/reports/{report}/snapshots",
        function="status",
        summary="A report's snapshots, newest first, a page at a time.",
        parameters=[
            path_parameter("report", REPORT_NAME, "A report name."),
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": DEFAULT_PAGE},
            },
            {
                "name": "next_token",
                "in": "query",
                "required": False,
                "description": "The `next_token` of the previous page.",
                "schema": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": MAX_NEXT_TOKEN,
                    "pattern": NEXT_TOKEN_PATTERN,
                },
            },
        ],
        own_responses={
            200: (SnapshotPage, "One page."),
            400: (ApiError, "A bad report name, limit or next_token."),
            403: (ApiError, "The caller may not request this report."),
            503: (ApiError, "The catalog cannot be read: retry."),
        },
    ),
)


def operations_of(function: Function) -> list[Operation]:
    return [op for op in OPERATIONS if op.function == function]


def _schemas() -> dict[str, Any]:
    models = {model for op in OPERATIONS for answers, _ in op.responses.values() for model in answers}
    responses = sorted(models, key=lambda model: model.__name__)
    inputs = [(SnapshotRequest, "validation"), *((model, "serialization") for model in responses)]
    _, defs = models_json_schema(inputs, ref_template="#/components/schemas/{model}")  # type: ignore[arg-type]
    schemas: dict[str, Any] = defs["$defs"]
    return schemas


def _json_content(*models: type[BaseModel]) -> dict[str, Any]:
    refs = [{"$ref": f"#/components/schemas/{model.__name__}"} for model in models]
    return {"application/json": {"schema": refs[0] if len(refs) == 1 else {"anyOf": refs}}}


def _operation(op: Operation) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "operationId": op.operation_id,
        "summary": op.summary,
        FUNCTION_EXTENSION: op.function,
    }
    if op.parameters:
        doc["parameters"] = op.parameters
    if op.request is not None:
        doc["requestBody"] = {
            "required": True,
            "description": f"At most {MAX_BODY_BYTES} bytes of UTF-8 JSON, {MAX_NESTING} levels deep.",
            "content": _json_content(op.request),
        }
    doc["responses"] = {
        str(code): {"description": description, "content": _json_content(*models)}
        for code, (models, description) in op.responses.items()
    }
    if op.operation_id == "create_snapshot":
        doc["responses"]["202"]["links"] = {
            "GetSnapshot": {
                "operationId": "get_snapshot",
                "parameters": {"snapshot_id": "$response.body#/snapshot_id"},
                "description": "The status of the snapshot the request created or joined.",
            },
            "ListReportSnapshots": {
                "operationId": "list_snapshots",
                "parameters": {"report": "$response.body#/report"},
            },
        }
    return doc


def document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method] = _operation(op)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Snapshot Engine",
            "version": "1",
            "description": (
                "Request report snapshots and read their status. Every request is signed with AWS "
                "Signature Version 4 for the service `execute-api` (IAM authorization). Limits: a body of "
                f"at most {MAX_BODY_BYTES} bytes, nested at most {MAX_NESTING} levels; the models give "
                "every string's length. A rejected request writes nothing."
            ),
        },
        "security": [{SECURITY_SCHEME: []}],
        "paths": paths,
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {
                SECURITY_SCHEME: {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": "AWS Signature Version 4, service `execute-api` (API Gateway's AWS_IAM).",
                    "x-amazon-apigateway-authtype": "awsSigv4",
                }
            },
        },
    }


def render() -> str:
    return json.dumps(document(), indent=2, sort_keys=False) + "\n"


def main() -> int:
    DOCUMENT_PATH.write_text(render())
    print(f"wrote {DOCUMENT_PATH}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
