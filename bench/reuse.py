"""``make bench`` (reuse part): the trigger answering a hot snapshot, against a bare GetItem.

One READY snapshot on the sandbox's moto; then, in turn, ``REQUESTS`` reuse requests through the
trigger's handler (the recorded API Gateway event, as AWS invokes it) and as many bare GetItems
of its item through a client like the trigger's. Every DynamoDB call the trigger makes is counted
through botocore's events: a reuse must be the read alone (``reuse_writes_per_request``, target
0). ``reuse_latency_ratio`` is the trigger's median ÷ the bare GetItem's: what the rest of a reuse
costs (parsing, the catalog, entitlements, the key) over the one call it cannot avoid. moto is
slow and serialised, so the absolute times are the sandbox's, not AWS's.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import boto3

from bench.section import Progress, run_alone

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = 2000
WRITES = ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems")


def measure(progress: Progress) -> dict[str, Any]:
    """On a moto server of its own (``make bench``'s other parts use none)."""
    from sandbox.moto_server import start_moto

    moto = start_moto()
    try:
        return on_moto(progress)
    finally:
        moto.stop()


def on_moto(progress: Progress) -> dict[str, Any]:
    """On the moto server the environment points at."""
    from lambdas.dynamo_types import serialize
    from lambdas.settings import CATALOG_TTL_SECONDS, ENTITLEMENTS_TTL_SECONDS
    from sandbox.lambda_runtime import invoke
    from sandbox.platform import create_platform
    from sandbox.runtime import make_functions

    platform = create_platform(f"bench{uuid.uuid4().hex[:8]}")
    make_functions(platform)  # Powertools quieted as the sandbox does, before the trigger's import
    from lambdas.trigger import Trigger

    # The caches as deployed (the sandbox's are 0 s, so an operator's change shows at once).
    settings = platform.trigger_settings().model_copy(
        update={
            "catalog_ttl_seconds": CATALOG_TTL_SECONDS,
            "entitlements_ttl_seconds": ENTITLEMENTS_TTL_SECONDS,
        }
    )
    trigger = Trigger(settings)
    event = json.loads((ROOT / "tests" / "events" / "http_post_snapshots.json").read_text())
    event["requestContext"]["authorizer"]["iam"]["userArn"] = "arn:aws:iam::123456789012:user/sandbox"
    event["body"] = json.dumps({"report": "sales_summary", "format": "csv"})
    first = json.loads(invoke(trigger.handle, "trigger", event)["body"])
    ddb = boto3.client("dynamodb")
    key = {"key": {"S": first["key"]}}
    ready = {"status": "READY", "rendered_at": time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())}
    ddb.update_item(
        TableName=platform.table,
        Key=key,
        UpdateExpression="SET #s = :s, rendered_at = :r",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues=serialize({":s": ready["status"], ":r": ready["rendered_at"]}),
    )
    calls: dict[str, int] = {}

    def count(model: Any, **_: Any) -> None:
        calls[model.name] = calls.get(model.name, 0) + 1

    trigger.service._ddb.meta.events.register("before-call.dynamodb", count)
    progress(f"reuse: {REQUESTS} reuses through the trigger and {REQUESTS} bare GetItems, in turn")
    trigger_seconds, bare_seconds, decisions = [], [], set()
    for _ in range(REQUESTS):
        started = time.perf_counter()
        answer = invoke(trigger.handle, "trigger", event)
        trigger_seconds.append(time.perf_counter() - started)
        decisions.add(json.loads(answer["body"])["decision"])
        started = time.perf_counter()
        ddb.get_item(TableName=platform.table, Key=key, ConsistentRead=True)
        bare_seconds.append(time.perf_counter() - started)
    return {
        "requests": REQUESTS,
        "decisions": sorted(decisions),
        "calls": calls,
        "trigger_p50_ms": statistics.median(trigger_seconds) * 1000,
        "get_item_p50_ms": statistics.median(bare_seconds) * 1000,
    }


def summarise(raw: dict[str, Any]) -> dict[str, Any]:
    writes = sum(n for op, n in raw["calls"].items() if op in WRITES)
    return {
        "reuse_writes_per_request": round(writes / raw["requests"], 4),
        "reuse_dynamodb_calls_per_request": round(sum(raw["calls"].values()) / raw["requests"], 4),
        "reuse_latency_ratio": round(raw["trigger_p50_ms"] / raw["get_item_p50_ms"], 2),
        "reuse_trigger_p50_ms": round(raw["trigger_p50_ms"], 2),
        "reuse_get_item_p50_ms": round(raw["get_item_p50_ms"], 2),
        "reuse_all_reused": raw["decisions"] == ["reused"],
    }


def main() -> int:
    """``python -m bench.reuse``: this part alone, its figures printed (out/bench.json untouched)."""
    return run_alone(measure, summarise)


if __name__ == "__main__":
    sys.exit(main())
