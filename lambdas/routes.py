"""A function's HTTP routes, registered from the operations of the OpenAPI document: each
operation is answered by the method its ``operationId`` names.

API Gateway only sends a function the routes the document gives it, so a path the resolver
does not match is one whose parameter Powertools' pattern refuses (a control character, say):
that is a bad parameter, a 400, not a missing route."""

from __future__ import annotations

import re

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError

from contracts.openapi import Function, operations_of
from lambdas.views import error_response


def powertools_path(path: str) -> str:
    """``/snapshots/{snapshot_id}`` as Powertools writes it: ``/snapshots/<snapshot_id>``."""
    return re.sub(r"\{(\w+)\}", r"<\1>", path)


def resolver_for(handler: object, function: Function) -> APIGatewayHttpResolver:
    app = APIGatewayHttpResolver()
    for op in operations_of(function):
        app.route(powertools_path(op.path), op.method.upper())(getattr(handler, op.operation_id))

    def bad_path_parameter(_: NotFoundError) -> Response[str]:
        event = app.current_event
        return error_response(400, f"{event.path!r} does not fit the route {event.route_key}")

    app.not_found(bad_path_parameter)
    return app
