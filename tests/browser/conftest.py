"""What the browser tests share: the system's Chromium, a renderer that reads credentials from
Secrets Manager (moto), a sink that keeps the bytes, a job, a PDF's text."""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import boto3
import pytest
from pypdf import PdfReader

from agent.aws import open_clients
from agent.metrics import AgentMetrics
from agent.renderers.browser.chromium import find_chromium
from agent.renderers.browser.renderer import BrowserRenderer
from agent.renderers.browser.secrets import BrowserSecrets
from contracts.catalog import ReportSpec
from contracts.messages import JobMessage
from sandbox.moto_server import MotoSandbox
from tests.support.services import IN_CI


class Collected:
    def __init__(self) -> None:
        self.data = bytearray()

    async def write(self, data: bytes | bytearray | memoryview) -> None:
        self.data += data


@pytest.fixture(scope="session")
def chromium() -> str:
    found = find_chromium(None)
    if found is None:
        if IN_CI:
            pytest.fail("Chromium is required in CI: .ci/run installs Debian's chromium")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return found


@pytest.fixture
async def signing_renderer(chromium: str, moto_server: MotoSandbox) -> AsyncIterator[BrowserRenderer]:
    """A renderer whose credentials come from the session's moto Secrets Manager."""
    async with open_clients(AgentMetrics(), 4, secrets=True) as aws:
        made = BrowserRenderer(chromium, 2, 150, 50, secrets=BrowserSecrets(aws.secretsmanager))
        yield made
        await made.close()


@pytest.fixture
def make_secret(moto_server: MotoSandbox) -> Callable[[dict[str, str]], str]:
    """Store a JSON secret in moto's Secrets Manager; its ARN."""
    client = boto3.client("secretsmanager")

    def make(value: dict[str, str]) -> str:
        arn: str = client.create_secret(
            Name=f"dashboards/{uuid.uuid4().hex}", SecretString=json.dumps(value)
        )["ARN"]
        return arn

    return make


def superset_guest_token(app: str, secret: str, dashboard: str, inject: dict[str, str]) -> dict[str, Any]:
    """The ``guest_token`` auth of Superset's API (login, CSRF token, guest token) at ``app``."""
    return {
        "type": "guest_token",
        "secret": secret,
        "login": {"url": f"{app}/api/v1/security/login", "body": {"provider": "db"}},
        "csrf": {"url": f"{app}/api/v1/security/csrf_token/"},
        "token_url": f"{app}/api/v1/security/guest_token/",
        "body": {
            "user": {"username": "snapshots"},
            "resources": [{"type": "dashboard", "id": dashboard}],
            "rls": [],
        },
        "inject": inject,
    }


def pdf_text(data: bytes | bytearray) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(bytes(data))).pages)


def job(fmt: str, params: dict[str, Any] | None = None) -> JobMessage:
    key = "0" * 32
    return JobMessage.model_validate(
        {
            "v": 1,
            "snapshot_id": f"{key}-g1",
            "key": key,
            "generation": 1,
            "report": "dashboard",
            "format": fmt,
            "params": params or {},
            "data_version": None,
            "bucket": "b",
            "s3_key": f"snapshots/dashboard/{key}/g1.{fmt}",
            "task_token": "t",
        }
    )


REGION_PARAM = {"region": {"type": "string", "default": "EMEA"}}


def browser_report(source: dict[str, Any], formats: list[str], region: bool = False) -> ReportSpec:
    """A browser report named ``dashboard`` open to every caller; ``region`` adds an entitled
    ``region`` param (default EMEA)."""
    return ReportSpec.model_validate(
        {
            "name": "dashboard",
            "renderer": "browser",
            "formats": formats,
            "params": REGION_PARAM if region else {},
            "source": source,
            "access": {"callers": ["*"], **({"entitled": ["region"]} if region else {})},
        }
    )
