"""API Gateway's AWS_IAM authorization, for the sandbox: a request must carry a SigV4 signature for
``execute-api`` in the API's region, made with a known caller's secret, dated within five minutes
of the gateway's clock. Anything else is a 403 before any Lambda runs, as on AWS. The caller it
proves is what API Gateway puts in ``requestContext.authorizer.iam``."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from botocore.auth import SIGV4_TIMESTAMP, SigV4Auth
from botocore.awsrequest import AWSRequest, HTTPHeaders
from botocore.credentials import ReadOnlyCredentials

from snapshot_client.signing import SIGNING_SERVICE

# API Gateway refuses a signature dated more than five minutes from its own clock.
SIGNATURE_MAX_SKEW_SECONDS = 300
AUTHORIZATION = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=(?P<access_key>[^/\s]+)/(?P<date>\d{8})/(?P<region>[^/\s]+)/"
    r"(?P<service>[^/\s]+)/aws4_request,\s*SignedHeaders=(?P<signed>[a-z0-9\-;]+),\s*"
    r"Signature=(?P<signature>[0-9a-f]{64})$"
)


@dataclass(frozen=True)
class Caller:
    access_key: str
    secret_key: str
    user_arn: str

    @property
    def account_id(self) -> str:
        return self.user_arn.split(":")[4]

    def authorizer_context(self) -> dict[str, Any]:
        """``requestContext.authorizer`` as API Gateway fills it for an IAM-authorized call."""
        user_id = self.user_arn.rsplit("/", 1)[-1]
        return {
            "iam": {
                "accessKey": self.access_key,
                "accountId": self.account_id,
                "callerId": user_id,
                "cognitoIdentity": None,
                "principalOrgId": None,
                "userArn": self.user_arn,
                "userId": user_id,
            }
        }


class Forbidden(Exception):
    """A 403 from the gateway, with its message."""


class _SignedHeadersOnly(SigV4Auth):
    """Recomputes a signature over exactly the headers the client says it signed."""

    def __init__(self, caller: Caller, region: str, signed: list[str]) -> None:
        credentials = ReadOnlyCredentials(caller.access_key, caller.secret_key, None)
        super().__init__(credentials, SIGNING_SERVICE, region)
        self._signed = signed

    def headers_to_sign(self, request: AWSRequest) -> HTTPHeaders:
        chosen = HTTPHeaders()
        for name in self._signed:
            chosen[name] = request.headers.get(name, "")
        return chosen


def verify(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    callers: Mapping[str, Caller],
    region: str,
    now: datetime | None = None,
) -> Caller:
    """The caller who signed this request, or ``Forbidden`` saying what is wrong. ``headers`` are
    keyed in lower case."""
    authorization = headers.get("authorization")
    if not authorization:
        raise Forbidden("Forbidden")
    parsed = AUTHORIZATION.match(authorization)
    if parsed is None:
        raise Forbidden("Authorization header requires 'Credential', 'SignedHeaders' and 'Signature'")
    caller = callers.get(parsed["access_key"])
    if caller is None:
        raise Forbidden("The security token included in the request is invalid.")
    if parsed["service"] != SIGNING_SERVICE or parsed["region"] != region:
        raise Forbidden(f"Credential should be scoped to {region}/{SIGNING_SERVICE}")
    stamp = headers.get("x-amz-date", "")
    signed_at = _parse_stamp(stamp)
    now = now or datetime.now(UTC)
    if abs((now - signed_at).total_seconds()) > SIGNATURE_MAX_SKEW_SECONDS:
        gateway_time = now.strftime(SIGV4_TIMESTAMP)
        raise Forbidden(f"Signature expired: {stamp} is more than 5 minutes from {gateway_time}")
    if parsed["date"] != stamp[:8]:
        raise Forbidden("Credential date does not match X-Amz-Date")
    signed = parsed["signed"].split(";")
    if "host" not in signed:
        raise Forbidden("'Host' must be a signed header")
    declared = headers.get("x-amz-content-sha256")
    if declared is not None and declared != hashlib.sha256(body).hexdigest():
        raise Forbidden("The provided 'x-amz-content-sha256' header does not match what was computed.")
    request = AWSRequest(method=method, url=url, data=body, headers={n: headers.get(n, "") for n in signed})
    request.context["timestamp"] = stamp
    auth = _SignedHeadersOnly(caller, region, signed)
    expected = auth.signature(auth.string_to_sign(request, auth.canonical_request(request)), request)
    if not hmac.compare_digest(expected, parsed["signature"]):
        raise Forbidden(
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method."
        )
    return caller


def _parse_stamp(stamp: str) -> datetime:
    try:
        return datetime.strptime(stamp, SIGV4_TIMESTAMP).replace(tzinfo=UTC)
    except ValueError as exc:
        raise Forbidden("X-Amz-Date must be a SigV4 timestamp (YYYYMMDDTHHMMSSZ)") from exc
