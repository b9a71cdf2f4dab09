"""Who is asking: the principal API Gateway's authorizer proved, or the system that sent an
EventBridge event. API Gateway fills ``requestContext.authorizer`` before a Lambda runs: ``iam``
for AWS_IAM routes (SigV4), ``jwt`` for a JWT authorizer, whose array claims arrive flattened
to text such as ``"[analysts emea]"``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from lambdas.requests import RequestRejected

GROUP_CLAIMS = ("cognito:groups", "groups")


@dataclass(frozen=True)
class Caller:
    kind: Literal["iam", "jwt", "system"]
    principal: str
    account_id: str | None = None
    org_id: str | None = None
    groups: tuple[str, ...] = ()


def http_caller(event: dict[str, Any]) -> Caller:
    authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
    if iam := authorizer.get("iam"):
        return Caller("iam", iam["userArn"], iam.get("accountId"), iam.get("principalOrgId"))
    if jwt := authorizer.get("jwt"):
        claims = jwt.get("claims") or {}
        groups = next((_claim_list(claims[c]) for c in GROUP_CLAIMS if c in claims), ())
        return Caller("jwt", str(claims.get("sub", "")), groups=groups)
    raise RequestRejected(403, "the request carries no caller identity (is the route authorized?)")


def event_caller(event: dict[str, Any]) -> Caller:
    """An EventBridge event runs as the system that sent it (a schedule, a data load)."""
    return Caller("system", f"system:{event.get('source', 'unknown')}", event.get("account"))


def _claim_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    text = str(value).strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    return tuple(part for part in text.replace(",", " ").split() if part)
