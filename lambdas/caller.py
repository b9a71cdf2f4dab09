"""Who is asking: the principal API Gateway's authorizer proved, or the system that sent an
EventBridge event. API Gateway fills ``requestContext.authorizer`` before a Lambda runs: ``iam``
for AWS_IAM routes (SigV4), ``jwt`` for a JWT authorizer, whose array claims arrive flattened
to text such as ``"[analysts emea]"``.

A flattened list cannot say whether ``"[a b]"`` is two groups or one named "a b", and a group
decides what its members may see, so groups are read only where the text is unambiguous:

- ``groups_json``: a string claim holding a JSON array (API Gateway passes strings unchanged),
  the safe way for any identity provider, whatever its group names hold;
- ``cognito:groups``: Cognito's group names cannot hold whitespace, so the text splits on it
  (a comma is part of a name);
- ``groups``: any other provider's; flattened, it is taken only when it holds one name with no
  space or comma in it. Anything else is refused (403) rather than guessed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from lambdas.requests import RequestRejected

JSON_GROUPS = "groups_json"
COGNITO_GROUPS = "cognito:groups"
ANY_GROUPS = "groups"


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
        return Caller("jwt", str(claims.get("sub", "")), groups=_groups(claims))
    raise RequestRejected(403, "the request carries no caller identity (is the route authorized?)")


def event_caller(event: dict[str, Any]) -> Caller:
    """An EventBridge event runs as the system that sent it (a schedule, a data load)."""
    return Caller("system", f"system:{event.get('source', 'unknown')}", event.get("account"))


def _groups(claims: dict[str, Any]) -> tuple[str, ...]:
    if JSON_GROUPS in claims:
        return _json_groups(claims[JSON_GROUPS])
    for claim, splits in ((COGNITO_GROUPS, True), (ANY_GROUPS, False)):
        if claim in claims:
            value = claims[claim]
            if isinstance(value, list):
                return tuple(str(v) for v in value)
            return _flattened(claim, str(value), splits)
    return ()


def _json_groups(value: Any) -> tuple[str, ...]:
    try:
        groups = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        groups = None
    if not isinstance(groups, list) or not all(isinstance(g, str) and g for g in groups):
        raise RequestRejected(403, f"the {JSON_GROUPS} claim must be a JSON array of group names")
    return tuple(groups)


def _flattened(claim: str, text: str, splits: bool) -> tuple[str, ...]:
    inner = text.strip()
    if inner.startswith("[") and inner.endswith("]"):
        inner = inner[1:-1]
    if splits:
        return tuple(inner.split())
    if not inner.strip():
        return ()
    if any(c.isspace() or c == "," for c in inner):
        raise RequestRejected(
            403,
            f"the {claim} claim arrived as {text[:80]!r}, which cannot say where one group name ends:"
            f" send the groups as a JSON array in a {JSON_GROUPS} string claim",
        )
    return (inner,)
