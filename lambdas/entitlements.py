"""Who may request a report and which values of its entitled params they may see.

A report's ``access`` (in the catalog) names the callers who may request it and its entitled
params. A caller's entitlement is the union of the items in the entitlements table for their
principal and for each of their groups: param -> the values they may see. An entitled param a
request leaves out is filled from the entitlement (the catalog's default when the caller may see
it, else the caller's only value); a value outside the entitlement is a 403. Snapshots are read
back under the same rule, so nobody receives, by id, listing or reuse, data they may not see.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from contracts.catalog import ReportSpec
from contracts.topology import ENTITLEMENTS_KEY, ENTITLEMENTS_PARAMS
from lambdas.caller import Caller
from lambdas.dynamo_types import deserialize
from lambdas.requests import RequestRejected

BATCH_GET_LIMIT = 100  # BatchGetItem's own limit on keys per call
UNPROCESSED_ATTEMPTS = 4
UNPROCESSED_PAUSE_SECONDS = 0.05
# The table keeps the values as DynamoDB lists; membership is exact and type-strict (True is not 1).
Value = tuple[str, Any]


def typed(value: Any) -> Value:
    try:
        hash(value)
    except TypeError:  # a list or an object can never be an allowed value
        return (type(value).__name__, repr(value))
    return (type(value).__name__, value)


@dataclass(frozen=True)
class Entitlement:
    values: Mapping[str, frozenset[Value]] = field(default_factory=dict)

    def allowed(self, param: str) -> frozenset[Value]:
        return self.values.get(param, frozenset())

    @classmethod
    def union(cls, items: Iterable[Mapping[str, Any]]) -> Entitlement:
        merged: dict[str, set[Value]] = {}
        for item in items:
            for param, values in (item.get(ENTITLEMENTS_PARAMS) or {}).items():
                merged.setdefault(param, set()).update(typed(v) for v in values)
        return cls({param: frozenset(values) for param, values in merged.items()})


def subjects(caller: Caller) -> list[str]:
    """The table keys that speak for a caller: the principal, then each group."""
    return [caller.principal, *(f"group:{group}" for group in caller.groups)]


def may_request(report: ReportSpec, caller: Caller) -> bool:
    return caller_matches(report.access.callers, caller)


def caller_matches(patterns: Iterable[str], caller: Caller) -> bool:
    """Whether any pattern names the caller: ``*`` (anyone), ``group:<name>``, ``system:<source>``
    or an IAM principal ARN pattern (``fnmatch``)."""
    for pattern in patterns:
        if pattern == "*":
            return True
        if pattern.startswith("group:"):
            if pattern.removeprefix("group:") in caller.groups:
                return True
        elif pattern.startswith("system:"):
            if caller.kind == "system" and caller.principal == pattern:
                return True
        elif caller.kind == "iam" and fnmatchcase(caller.principal, pattern):
            return True
    return False


def fill_entitled(
    report: ReportSpec, caller: Caller, params: dict[str, Any], entitlement: Entitlement
) -> dict[str, Any]:
    """The request's params with each entitled param it left out filled from the entitlement;
    403 when the caller may not request the report or holds no value of an entitled param."""
    if not may_request(report, caller):
        raise RequestRejected(403, f"{caller.principal} may not request {report.name!r}")
    filled = dict(params)
    for name in report.access.entitled:
        allowed = entitlement.allowed(name)
        if not allowed:
            raise RequestRejected(
                403, f"{caller.principal} holds no entitlement to {name!r} of {report.name!r}"
            )
        if filled.get(name) is not None:
            continue
        default = report.params[name].default
        if default is not None and typed(default) in allowed:
            filled[name] = default
        elif len(allowed) == 1:
            ((_, filled[name]),) = allowed
        else:
            choices = sorted(str(v) for _, v in allowed)
            raise RequestRejected(422, f"param {name!r} is required: you may see {choices}")
    return filled


def check_entitled(
    report: ReportSpec, caller: Caller, params: Mapping[str, Any], entitlement: Entitlement
) -> None:
    """403 for an entitled param whose (normalised) value the caller may not see."""
    for name in report.access.entitled:
        if typed(params.get(name)) not in entitlement.allowed(name):
            raise RequestRejected(403, f"{caller.principal} may not see {name}={params.get(name)!r}")


class EntitlementStore:
    """The entitlements table, read per subject and kept for ``ttl_seconds``: an operator's change
    takes effect within that time, with no deploy and no restart."""

    def __init__(
        self, ddb: Any, table: str, ttl_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ddb = ddb
        self._table = table
        self._ttl = ttl_seconds
        self._clock = clock
        self._cache: dict[str, tuple[float, dict[str, Any] | None]] = {}

    def for_caller(self, caller: Caller) -> Entitlement:
        wanted = subjects(caller)
        now = self._clock()
        stale = [s for s in wanted if s not in self._cache or now - self._cache[s][0] >= self._ttl]
        if stale:
            found = self._read(stale)
            for subject in stale:
                self._cache[subject] = (now, found.get(subject))
        return Entitlement.union(item for s in wanted if (item := self._cache[s][1]) is not None)

    def _read(self, keys: list[str]) -> dict[str, dict[str, Any]]:
        """Every subject's item, in BatchGetItem's batches of 100; keys DynamoDB leaves unprocessed
        (throttling) are asked again after a doubling pause, and a subject still unread after
        the last attempt is a 503 rather than an entitlement silently missing."""
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(keys), BATCH_GET_LIMIT):
            batch = keys[start : start + BATCH_GET_LIMIT]
            request = {self._table: {"Keys": [{ENTITLEMENTS_KEY: {"S": k}} for k in batch]}}
            for attempt in range(UNPROCESSED_ATTEMPTS):
                if attempt:
                    time.sleep(UNPROCESSED_PAUSE_SECONDS * 2 ** (attempt - 1))
                answer = self._ddb.batch_get_item(RequestItems=request)
                for raw in answer.get("Responses", {}).get(self._table, []):
                    item = deserialize(raw)
                    found[item[ENTITLEMENTS_KEY]] = item
                request = answer.get("UnprocessedKeys") or {}
                if not request:
                    break
            else:
                raise RequestRejected(503, "the entitlements table is throttled; try again")
        return found
