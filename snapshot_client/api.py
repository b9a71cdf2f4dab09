"""The HTTP API over SigV4-signed requests, with bounded retries: a connection failure, a 5xx or a
429 is tried again (re-signed, after a jittered, doubling pause); a 4xx is the API's answer."""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass
from typing import Any

import urllib3
from botocore.credentials import Credentials

from snapshot_client.signing import signed_headers

RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})


class ApiRefused(Exception):
    """A 4xx: the request is wrong and sending it again will not help."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


class ApiUnavailable(Exception):
    """No answer, or a 5xx, after every attempt."""


@dataclass(frozen=True)
class Retries:
    attempts: int = 4
    first_pause: float = 0.5
    max_pause: float = 8.0

    def pause(self, attempt: int) -> float:
        return random.uniform(0, min(self.max_pause, self.first_pause * 2**attempt))


class SnapshotApi:
    def __init__(
        self,
        endpoint: str,
        credentials: Credentials,
        region: str,
        retries: Retries = Retries(),
        timeout: float = 30.0,
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        self._credentials = credentials
        self._region = region
        self._retries = retries
        self._http = urllib3.PoolManager(timeout=urllib3.Timeout(total=timeout), retries=False)

    def request(self, body: dict[str, Any]) -> dict[str, Any]:
        return self.call("POST", "/snapshots", json.dumps(body).encode())

    def status(self, snapshot_id: str) -> dict[str, Any]:
        return self.call("GET", f"/snapshots/{snapshot_id}")

    def list(self, report: str, limit: int, next_token: str | None = None) -> dict[str, Any]:
        query = f"?limit={limit}" + (f"&next_token={next_token}" if next_token else "")
        return self.call("GET", f"/reports/{report}/snapshots{query}")

    def call(self, method: str, path: str, body: bytes = b"") -> dict[str, Any]:
        url = f"{self.endpoint}{path}"
        problem = ""
        for attempt in range(self._retries.attempts):
            if attempt:
                time.sleep(self._retries.pause(attempt))
            headers = {"Content-Type": "application/json"} if body else {}
            headers = signed_headers(method, url, body, self._credentials, self._region, headers)
            try:
                response = self._http.request(method, url, body=body or None, headers=headers)
            except urllib3.exceptions.HTTPError as exc:
                problem = f"cannot reach {self.endpoint}: {exc}"
                continue
            answer = _json(response.data)
            if response.status < 400:
                return answer
            message = str(answer.get("message") or response.data[:200].decode(errors="replace"))
            if response.status not in RETRIED_STATUSES:
                raise ApiRefused(response.status, message)
            problem = f"{response.status}: {message}"
        raise ApiUnavailable(f"{problem} (after {self._retries.attempts} attempts)")


def _json(data: bytes) -> dict[str, Any]:
    try:
        decoded = json.loads(data)
    except ValueError:
        return {}
    return decoded if isinstance(decoded, dict) else {}
