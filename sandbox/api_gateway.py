"""A small aiohttp server shaped like API Gateway's HTTP API (payload format 2.0).

Routes as Terraform declares them: ``POST /snapshots`` -> trigger,
``GET /snapshots/{id}`` and ``GET /reports/{report}/snapshots`` -> status. Handlers run in
threads, so concurrent requests reach them concurrently, as separate Lambda containers would.
"""

from __future__ import annotations

import asyncio
import base64
import time
import uuid
from typing import Any

from aiohttp import web

from sandbox.lambda_runtime import Handler, invoke

MAX_PAYLOAD = 10 * 1024 * 1024  # API Gateway's own limit; the trigger sets a tighter one


def build_event(request: web.Request, route_key: str, body: bytes) -> dict[str, Any]:
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
            "accountId": "123456789012",
            "apiId": "sandbox",
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


def make_app(trigger: Handler, status: Handler) -> web.Application:
    app = web.Application(client_max_size=MAX_PAYLOAD)

    def route(handler: Handler, name: str, route_key: str) -> Any:
        async def serve(request: web.Request) -> web.Response:
            event = build_event(request, route_key, await request.read())
            result = await asyncio.to_thread(invoke, handler, name, event)
            return to_response(result)

        return serve

    app.router.add_post("/snapshots", route(trigger, "trigger", "POST /snapshots"))
    app.router.add_get("/snapshots/{snapshot_ref}", route(status, "status", "GET /snapshots/{snapshot_ref}"))
    app.router.add_get(
        "/reports/{report}/snapshots", route(status, "status", "GET /reports/{report}/snapshots")
    )
    return app
