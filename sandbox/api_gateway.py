"""A small aiohttp server shaped like API Gateway's HTTP API (payload format 2.0).

Its routes are the OpenAPI document's operations, each to the function the document names, as
Terraform makes them. Like API Gateway with AWS_IAM authorization it answers 403 to a request
that is not signed by a known caller (``sandbox.sigv4``), 404 ``{"message": "Not Found"}`` to
a request no route matches (any method), and 413 over its payload limit, all before a handler
runs. Handlers run in threads, so concurrent requests reach them concurrently, as separate
Lambda containers would.
"""

from __future__ import annotations

import asyncio
import base64
import time
import uuid
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from contracts.openapi import OPERATIONS
from sandbox.iam_callers import MotoIamCallers
from sandbox.lambda_runtime import Handler, invoke
from sandbox.moto_server import FAKE_CREDENTIALS, REGION
from sandbox.sigv4 import Caller, Forbidden, verify

MAX_PAYLOAD = 10 * 1024 * 1024  # API Gateway's own limit; the trigger sets a tighter one
# "Total combined size of request line and header values" of an HTTP API.
MAX_REQUEST_LINE_AND_HEADERS = 10_240
# The principal behind the sandbox's credentials (moto's default account).
SANDBOX_CALLER = Caller(
    FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
    FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    "arn:aws:iam::123456789012:user/sandbox",
)


def build_event(request: web.Request, route_key: str, body: bytes, caller: Caller) -> dict[str, Any]:
    text: str | None = None
    encoded = False
    if body:
        try:
            text = body.decode()
        except UnicodeDecodeError:
            text, encoded = base64.b64encode(body).decode(), True
    return {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": request.path,
        "rawQueryString": request.query_string,
        "headers": {k.lower(): v for k, v in request.headers.items()},
        "queryStringParameters": dict(request.query) or None,
        "pathParameters": dict(request.match_info) or None,
        "requestContext": {
            "accountId": caller.account_id,
            "apiId": "sandbox",
            "authorizer": caller.authorizer_context(),
            "domainName": request.host,
            "http": {
                "method": request.method,
                "path": request.path,
                "protocol": f"HTTP/{request.version.major}.{request.version.minor}",
                "sourceIp": request.remote or "127.0.0.1",
                "userAgent": request.headers.get("User-Agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": route_key,
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime()),
            "timeEpoch": int(time.time() * 1000),
        },
        "body": text,
        "isBase64Encoded": encoded,
    }


def to_response(result: dict[str, Any]) -> web.Response:
    body = result.get("body") or ""
    raw = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode()
    headers = {k: str(v) for k, v in (result.get("headers") or {}).items()}
    return web.Response(status=int(result.get("statusCode", 200)), body=raw, headers=headers)


def gateway_error(status: int, message: str) -> web.Response:
    return web.json_response({"message": message}, status=status)


def make_app(
    trigger: Handler, status: Handler, callers: Mapping[str, Caller] | None = None, region: str = REGION
) -> web.Application:
    """``callers`` by access key; by default the sandbox's own and every IAM user in moto."""
    known = callers if callers is not None else MotoIamCallers(SANDBOX_CALLER)
    functions = {"trigger": trigger, "status": status}
    app = web.Application(client_max_size=MAX_PAYLOAD)

    def route(name: str, route_key: str) -> Any:
        async def serve(request: web.Request) -> web.Response:
            if _request_line_and_headers(request) > MAX_REQUEST_LINE_AND_HEADERS:
                return gateway_error(413, "Request Entity Too Large")
            try:
                body = await request.read()
            except web.HTTPRequestEntityTooLarge:
                return gateway_error(413, "Request Entity Too Large")
            url = f"http://{request.host}{request.raw_path}"
            try:
                caller = verify(request.method, url, _lower(request), body, known, region)
            except Forbidden as exc:
                return gateway_error(403, str(exc))
            event = build_event(request, route_key, body, caller)
            result = await asyncio.to_thread(invoke, functions[name], name, event)
            return to_response(result)

        return serve

    async def not_found(_: web.Request) -> web.Response:
        return gateway_error(404, "Not Found")

    for op in OPERATIONS:
        app.router.add_route(op.method.upper(), op.path, route(op.function, op.route_key))
    app.router.add_route("*", "/{anything:.*}", not_found)
    return app


def _request_line_and_headers(request: web.Request) -> int:
    line = len(f"{request.method} {request.raw_path} HTTP/1.1".encode())
    return line + sum(len(value.encode("utf-8", "surrogateescape")) for value in request.headers.values())


def _lower(request: web.Request) -> dict[str, str]:
    return {name.lower(): value for name, value in request.headers.items()}
