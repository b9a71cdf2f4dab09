"""A minimal AWS endpoint for the bench: the wire protocols the agent speaks, answered from memory.

SQS, DynamoDB and Step Functions over JSON 1.0 (``X-Amz-Target``), S3 PUT over REST. One
in-memory queue with visibility (receipt handles), long polling that wakes on arrival, and
counters per operation. ``/_bench/*`` lets the driver load messages in bulk and read the state.
Run in its own process, so its CPU never counts as the agent's.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import itertools
import json
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Message:
    message_id: str
    body: str
    sent_at: float
    md5: str
    receives: int = 0
    visible_at: float = 0.0


@dataclass
class FakeAws:
    ready: deque[Message] = field(default_factory=deque)
    in_flight: dict[str, Message] = field(default_factory=dict)
    calls: Counter[str] = field(default_factory=Counter)
    deleted: int = 0
    sent_at: dict[str, float] = field(default_factory=dict)
    fenced_at: dict[str, float] = field(default_factory=dict)
    timeouts: deque[tuple[float, str]] = field(default_factory=deque)
    arrived: asyncio.Condition = field(default_factory=asyncio.Condition)
    ids: itertools.count[int] = field(default_factory=itertools.count)

    def enqueue(self, body: str) -> Message:
        n = next(self.ids)
        message = Message(f"m{n}", body, time.time(), hashlib.md5(body.encode()).hexdigest())
        self.ready.append(message)
        return message

    async def notify(self) -> None:
        async with self.arrived:
            self.arrived.notify_all()

    def hide(self, handle: str, message: Message, seconds: float) -> None:
        message.visible_at = time.monotonic() + seconds
        self.in_flight[handle] = message
        self.timeouts.append((message.visible_at, handle))

    def expire(self) -> None:
        """Messages whose visibility timeout ran out are visible again, as on SQS."""
        now = time.monotonic()
        while self.timeouts and self.timeouts[0][0] <= now:
            deadline, handle = self.timeouts.popleft()
            message = self.in_flight.get(handle)
            if message is not None and message.visible_at == deadline:
                del self.in_flight[handle]
                self.ready.append(message)

    def take(self, count: int, visibility: float) -> list[dict[str, Any]]:
        self.expire()
        out: list[dict[str, Any]] = []
        while self.ready and len(out) < count:
            message = self.ready.popleft()
            message.receives += 1
            handle = f"{message.message_id}:{message.receives}"
            self.hide(handle, message, visibility)
            out.append(
                {
                    "MessageId": message.message_id,
                    "ReceiptHandle": handle,
                    "MD5OfBody": message.md5,
                    "Body": message.body,
                    "Attributes": {
                        "SentTimestamp": str(int(message.sent_at * 1000)),
                        "ApproximateReceiveCount": str(message.receives),
                    },
                }
            )
        return out


async def sqs(state: FakeAws, op: str, req: dict[str, Any], request: web.Request) -> dict[str, Any]:
    if op == "ReceiveMessage":
        count = int(req.get("MaxNumberOfMessages", 1))
        visibility = float(req.get("VisibilityTimeout", 30))
        got = state.take(count, visibility)
        wait = float(req.get("WaitTimeSeconds", 0))
        deadline = time.monotonic() + wait
        while not got and time.monotonic() < deadline:
            async with state.arrived:
                try:
                    await asyncio.wait_for(state.arrived.wait(), deadline - time.monotonic())
                except TimeoutError:
                    break
            if request.transport is None or request.transport.is_closing():
                return {}  # the caller gave up (cancelled long poll): take nothing for it
            got = state.take(count, visibility)
        return {"Messages": got} if got else {}
    if op == "DeleteMessageBatch":
        ok = []
        for entry in req["Entries"]:
            if state.in_flight.pop(entry["ReceiptHandle"], None) is not None:
                state.deleted += 1
            ok.append({"Id": entry["Id"]})
        return {"Successful": ok, "Failed": []}
    if op == "DeleteMessage":
        if state.in_flight.pop(req["ReceiptHandle"], None) is not None:
            state.deleted += 1
        return {}
    if op in ("ChangeMessageVisibilityBatch", "ChangeMessageVisibility"):
        entries = req.get("Entries") or [dict(req, Id="0")]
        for entry in entries:
            message = state.in_flight.get(entry["ReceiptHandle"])
            if message is None:
                continue
            if int(entry["VisibilityTimeout"]) == 0:
                del state.in_flight[entry["ReceiptHandle"]]
                state.ready.append(message)
            else:
                state.hide(entry["ReceiptHandle"], message, int(entry["VisibilityTimeout"]))
        await state.notify()
        return {"Successful": [{"Id": e["Id"]} for e in entries], "Failed": []} if "Entries" in req else {}
    if op == "SendMessage":
        message = state.enqueue(req["MessageBody"])
        state.sent_at[_job_key(message.body)] = message.sent_at
        await state.notify()
        return {"MessageId": message.message_id, "MD5OfMessageBody": message.md5}
    raise web.HTTPBadRequest(text=f"unsupported SQS operation {op}")


def _job_key(body: str) -> str:
    try:
        return str(json.loads(body).get("key", ""))
    except ValueError:
        return ""


async def handle(request: web.Request) -> web.Response:
    state: FakeAws = request.app["state"]
    target = request.headers.get("X-Amz-Target")
    if target is None:  # S3 REST
        state.calls[f"s3.{request.method}"] += 1
        await request.read()
        return web.Response(status=200, headers={"ETag": '"bench"'})
    prefix, op = target.split(".", 1)
    state.calls[op] += 1
    req = json.loads(await request.read() or b"{}")
    if prefix == "AmazonSQS":
        body = await sqs(state, op, req, request)
    elif prefix.startswith("DynamoDB"):
        if op == "UpdateItem":
            state.fenced_at[req["Key"]["key"]["S"]] = time.time()
        body = {}
    else:  # AWSStepFunctions: SendTaskSuccess / Failure / Heartbeat
        body = {}
    return web.json_response(body, content_type="application/x-amz-json-1.0")


async def load(request: web.Request) -> web.Response:
    state: FakeAws = request.app["state"]
    bodies = await request.json()
    for body in bodies:
        state.enqueue(body)
    await state.notify()
    return web.json_response({"ready": len(state.ready)})


async def stats(request: web.Request) -> web.Response:
    state: FakeAws = request.app["state"]
    pickups = [state.fenced_at[k] - t for k, t in state.sent_at.items() if k in state.fenced_at]
    return web.json_response(
        {
            "calls": dict(state.calls),
            "deleted": state.deleted,
            "ready": len(state.ready),
            "in_flight": len(state.in_flight),
            "pickup_seconds": pickups,
        }
    )


async def reset(request: web.Request) -> web.Response:
    """Empty the queue and the counters in place: pending long polls keep waiting on this state."""
    state: FakeAws = request.app["state"]
    state.ready.clear()
    state.in_flight.clear()
    state.calls.clear()
    state.deleted = 0
    state.sent_at.clear()
    state.fenced_at.clear()
    state.timeouts.clear()
    return web.json_response({})


def make_app() -> web.Application:
    app = web.Application(client_max_size=256 * 1024 * 1024)
    app["state"] = FakeAws()
    app.router.add_post("/_bench/load", load)
    app.router.add_get("/_bench/stats", stats)
    app.router.add_post("/_bench/reset", reset)
    app.router.add_route("*", "/{tail:.*}", handle)
    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    try:
        import uvloop

        uvloop.install()
    except ImportError:  # pragma: no cover
        pass
    web.run_app(make_app(), host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
