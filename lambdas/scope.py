"""A caller's scope of the governed tables a report reads (docs/governance.md).

For each governed table: ``"*"`` when the caller matches the table's ``unrestricted`` subjects,
else the values of its entitlement the caller holds (none: no row). A report whose entitled
param *is* the table's entitlement narrows the scope to the value asked for (already held to the
entitlement), so everyone who asks for EMEA shares one EMEA snapshot. The scope is part of the
snapshot's key, so two callers share a snapshot only when they would see the same rows, and a
snapshot is shown only to a caller whose own scope covers it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from contracts.catalog import ReportSpec
from contracts.governance.policy import (
    ALL_ROWS,
    MAX_SCOPE_VALUE_CHARS,
    MAX_SCOPE_VALUES,
    GovernedRead,
    Scope,
    ScopeValues,
    canonical_values,
)
from lambdas.caller import Caller
from lambdas.entitlements import Entitlement, caller_matches, may_request, typed
from lambdas.requests import RequestRejected


def caller_scope(report: ReportSpec, caller: Caller, entitlement: Entitlement) -> Scope:
    """Everything the caller may see of each governed table the report reads."""
    return {read.id: _table_scope(read, caller, entitlement) for read in report.governed}


def request_scope(
    report: ReportSpec, caller: Caller, params: Mapping[str, Any], entitlement: Entitlement
) -> Scope:
    """The scope a request renders with: the caller's, narrowed by an entitled param of the same
    name as a table's entitlement; 403 when a dashboard would be shown nothing or the scope is too
    large to carry."""
    scope: Scope = {}
    for read in report.governed:
        values = _table_scope(read, caller, entitlement)
        if read.spec.entitlement in report.access.entitled:
            values = [params[read.spec.entitlement]]
        if isinstance(values, list):
            _bounded(read, caller, values)
            if not values and report.renderer != "sql":
                raise RequestRejected(
                    403,
                    f"{caller.principal} holds no entitlement to {read.spec.entitlement!r}, which scopes"
                    f" {read.id} that {report.name!r} shows",
                )
        scope[read.id] = values
    return scope


def covers(seen: Mapping[str, Any] | None, allowed: Scope) -> bool:
    """Whether a snapshot rendered with scope ``seen`` shows only rows the caller may see. An item
    from before its report was governed carries no scope and counts as every row."""
    seen = seen or {}
    for table_id, mine in allowed.items():
        theirs = seen.get(table_id, ALL_ROWS)
        if mine == ALL_ROWS:
            continue
        if theirs == ALL_ROWS or not {typed(v) for v in theirs} <= {typed(v) for v in mine}:
            return False
    return True


def readable_by(
    report: ReportSpec, caller: Caller, entitlement: Entitlement
) -> Callable[[Mapping[str, Any]], bool]:
    """Whether a snapshot of ``report`` (its metadata item) may be shown to the caller: they may
    request the report, hold each entitled param's value it was rendered with, and their scope
    covers its. The caller's scope is worked out once, however many items are checked."""
    if not may_request(report, caller):
        return lambda _: False
    allowed = caller_scope(report, caller, entitlement)

    def readable(item: Mapping[str, Any]) -> bool:
        params = item.get("params") or {}
        return all(
            typed(params.get(name)) in entitlement.allowed(name) for name in report.access.entitled
        ) and covers(item.get("scope"), allowed)

    return readable


def _table_scope(read: GovernedRead, caller: Caller, entitlement: Entitlement) -> ScopeValues:
    if caller_matches(read.spec.unrestricted, caller):
        return ALL_ROWS
    return canonical_values(value for _, value in entitlement.allowed(read.spec.entitlement))


def _bounded(read: GovernedRead, caller: Caller, values: list[Any]) -> None:
    if len(values) > MAX_SCOPE_VALUES:
        raise RequestRejected(
            403,
            f"{caller.principal} holds {len(values)} values of {read.spec.entitlement!r}; a snapshot"
            f" carries at most {MAX_SCOPE_VALUES}: ask for an entitled param or an unrestricted role",
        )
    if any(len(str(v)) > MAX_SCOPE_VALUE_CHARS for v in values):
        raise RequestRejected(
            403, f"a value of {read.spec.entitlement!r} is longer than {MAX_SCOPE_VALUE_CHARS} characters"
        )
