"""The callers the sandbox's API Gateway knows: every IAM user created in moto (by the sandbox,
a test, or `aws iam create-user` / `create-access-key` against it) with an active access key,
and the sandbox's own credentials. Looked up per request, so a user created while the sandbox
runs can call at once, and a deactivated key stops working, as on AWS.

It reads moto's IAM backend directly: the gateway runs in the process moto's server runs in,
and the IAM API (rightly) never returns a secret key after it is created."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.iam.models import iam_backends

from sandbox.sigv4 import Caller


class MotoIamCallers(Mapping[str, Caller]):
    def __init__(self, *fixed: Caller) -> None:
        self._fixed = {caller.access_key: caller for caller in fixed}

    def __getitem__(self, access_key: str) -> Caller:
        if access_key in self._fixed:
            return self._fixed[access_key]
        for user in iam_backends[DEFAULT_ACCOUNT_ID]["aws"].users.values():
            for key in user.access_keys:
                if key.access_key_id == access_key and key.status == "Active":
                    return Caller(key.access_key_id, key.secret_access_key, user.arn)
        raise KeyError(access_key)

    def __iter__(self) -> Iterator[str]:
        users = iam_backends[DEFAULT_ACCOUNT_ID]["aws"].users.values()
        yield from self._fixed
        yield from (key.access_key_id for user in users for key in user.access_keys if key.status == "Active")

    def __len__(self) -> int:
        return sum(1 for _ in self)
