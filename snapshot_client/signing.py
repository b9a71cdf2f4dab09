"""SigV4 for the HTTP API: API Gateway's AWS_IAM authorization checks every request's signature
for the service ``execute-api``. botocore signs, so credentials come from wherever the AWS CLI
finds them (environment, profile, SSO, instance role)."""

from __future__ import annotations

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials, ReadOnlyCredentials

SIGNING_SERVICE = "execute-api"


def signed_headers(
    method: str,
    url: str,
    body: bytes,
    credentials: Credentials | ReadOnlyCredentials,
    region: str,
    headers: dict[str, str] | None = None,
) -> dict[str, str]:
    """The headers to send, ``Authorization`` and ``X-Amz-Date`` among them. Sign right before each
    send: API Gateway refuses a signature more than five minutes from its clock."""
    request = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
    if isinstance(credentials, Credentials):
        credentials = credentials.get_frozen_credentials()
    SigV4Auth(credentials, SIGNING_SERVICE, region).add_auth(request)
    return dict(request.headers.items())
