"""``next_token``: where a listing goes on, sealed with KMS for the caller who asked.

The position is DynamoDB's last evaluated key, which may be a snapshot the caller may not read
(listings skip those), so the token must neither show it nor let anyone change it. KMS Encrypt
(AES-256-GCM under the platform's key) does both: the token is opaque, and any change to it, or
its use for another report or by another caller (both bound as encryption context), fails to
decrypt and is a 400. A MAC alone would be tamper-evident but would still show the position.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from botocore.exceptions import ClientError

from contracts.http_api import MAX_NEXT_TOKEN
from contracts.topology import BY_REPORT_HASH_KEY, BY_REPORT_RANGE_KEY, SNAPSHOTS_KEY
from lambdas.dynamo_types import deserialize, serialize
from lambdas.requests import RequestRejected

PURPOSE = "snapshot-engine/next_token"
POSITION = (SNAPSHOTS_KEY, BY_REPORT_RANGE_KEY)
# What KMS answers for a ciphertext that is not one of this key's for this context (a changed
# token can name another key, which is an access denial).
NOT_OURS = ("InvalidCiphertextException", "IncorrectKeyException", "AccessDeniedException")
NOT_ISSUED = "next_token is not one this API issued to you for this report"


class PageTokens:
    def __init__(self, kms: Any, key_id: str) -> None:
        self._kms = kms
        self._key_id = key_id

    def issue(self, last_key: dict[str, Any], report: str, caller: str) -> str:
        position = deserialize(last_key)
        plaintext = json.dumps([position[name] for name in POSITION], separators=(",", ":"))
        try:
            sealed = self._kms.encrypt(
                KeyId=self._key_id, Plaintext=plaintext.encode(), EncryptionContext=_context(report, caller)
            )["CiphertextBlob"]
        except ClientError as exc:
            raise RequestRejected(503, "the listing's next page cannot be sealed now; try again") from exc
        token = base64.urlsafe_b64encode(sealed).decode().rstrip("=")
        if len(token) > MAX_NEXT_TOKEN:
            raise RequestRejected(503, "the listing's next_token would be too long")
        return token

    def read(self, token: str, report: str, caller: str) -> dict[str, Any]:
        """DynamoDB's ExclusiveStartKey from a token this API issued to ``caller`` for ``report``."""
        if not 1 <= len(token) <= MAX_NEXT_TOKEN:
            raise RequestRejected(400, NOT_ISSUED)
        try:
            sealed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (binascii.Error, ValueError) as exc:
            raise RequestRejected(400, NOT_ISSUED) from exc
        if not sealed:
            raise RequestRejected(400, NOT_ISSUED)
        try:
            plaintext = self._kms.decrypt(
                KeyId=self._key_id, CiphertextBlob=sealed, EncryptionContext=_context(report, caller)
            )["Plaintext"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in NOT_OURS:
                raise RequestRejected(400, NOT_ISSUED) from exc
            raise RequestRejected(503, "the listing's next_token cannot be read now; try again") from exc
        key, requested_at = json.loads(plaintext)
        return serialize({SNAPSHOTS_KEY: key, BY_REPORT_HASH_KEY: report, BY_REPORT_RANGE_KEY: requested_at})


def _context(report: str, caller: str) -> dict[str, str]:
    return {"purpose": PURPOSE, "report": report, "caller": caller}
