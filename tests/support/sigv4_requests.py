"""SigV4 for a ``requests`` session, applied to the request as it will be sent (after the body is
serialised), as the sandbox's caller."""

from __future__ import annotations

import requests
from requests.models import PreparedRequest

from sandbox.client import SANDBOX_CREDENTIALS
from sandbox.moto_server import REGION
from snapshot_client.signing import signed_headers


class SigV4(requests.auth.AuthBase):
    def __call__(self, request: PreparedRequest) -> PreparedRequest:
        body = request.body or b""
        raw = body.encode() if isinstance(body, str) else body
        assert isinstance(raw, bytes)
        kept = {k: str(v) for k, v in request.headers.items() if k.lower() == "content-type"}
        assert request.method is not None and request.url is not None
        request.headers.update(
            signed_headers(request.method, request.url, raw, SANDBOX_CREDENTIALS, REGION, kept)
        )
        return request


def signed_session() -> requests.Session:
    session = requests.Session()
    session.auth = SigV4()
    return session
