"""moto's ThreadedMotoServer on loopback with Step Functions execution switched on.

``MOTO_PORT`` must be set before the server starts: the state machine's service integrations
call ``localhost:$MOTO_PORT``. Clients find the server through botocore's ``AWS_ENDPOINT_URL``.
The account is seeded with what Terraform expects to find there (``sandbox.account_seed``).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import urllib.request
from dataclasses import dataclass

from moto.server import ThreadedMotoServer

from sandbox.account_seed import seed_account
from sandbox.moto_fixes import MOTO_CONFIG, apply_moto_fixes

REGION = "us-east-1"
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "sandbox", "AWS_SECRET_ACCESS_KEY": "sandbox"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class MotoSandbox:
    port: int
    server: ThreadedMotoServer

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def aws_env(self) -> dict[str, str]:
        """What any process (Lambda handler, agent, CLI) needs to talk to this moto."""
        return {
            **FAKE_CREDENTIALS,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_EC2_METADATA_DISABLED": "true",
        }

    def stop(self) -> None:
        self.server.stop()


def start_moto(port: int | None = None) -> MotoSandbox:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    # the interpreter logs every Fail state as an exception; outcomes are read from the API instead
    logging.getLogger("moto.stepfunctions.parser").setLevel(logging.CRITICAL)
    apply_moto_fixes()
    port = port or free_port()
    os.environ["MOTO_PORT"] = str(port)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    sandbox = MotoSandbox(port, server)
    request = urllib.request.Request(
        f"{sandbox.endpoint}/moto-api/config",
        data=json.dumps(MOTO_CONFIG).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()
    os.environ.update(sandbox.aws_env())
    seed_account(REGION)
    return sandbox
