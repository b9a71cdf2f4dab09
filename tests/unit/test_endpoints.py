"""The shared endpoint cache: unused rule-set parameters dropped, answers unchanged, cache hits."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import aioboto3
import pytest
from botocore.endpoint_provider import EndpointProvider

from agent.aws import client_config
from agent.endpoints import share_endpoint_cache, unused_parameters


def test_unused_parameters_are_those_no_rule_reads() -> None:
    ruleset = {
        "parameters": {"Region": {}, "Bucket": {}, "Key": {}, "Endpoint": {}},
        "rules": [
            {"conditions": [{"fn": "isSet", "argv": [{"ref": "Endpoint"}]}], "endpoint": {"url": "x"}},
            {"conditions": [], "endpoint": {"url": "https://{Bucket}.s3.{Region#name}.example"}},
        ],
    }
    assert unused_parameters(ruleset) == {"Key"}


@pytest.fixture
async def real_s3(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Any]:
    """An S3 client configured for AWS itself (presigning needs no network)."""
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    session = aioboto3.Session(aws_access_key_id="a", aws_secret_access_key="b", region_name="eu-west-1")
    async with session.client("s3", config=client_config(4)) as client:
        yield client


async def _urls(client: Any, keys: list[str]) -> list[str]:
    urls = []
    for key in keys:
        url = await client.generate_presigned_url("put_object", Params={"Bucket": "reports-bkt", "Key": key})
        parts = urlsplit(url)
        urls.append(f"{parts.scheme}://{parts.netloc}{parts.path}")
    return urls


async def test_s3_endpoints_resolve_the_same_and_hit_the_cache(real_s3: Any) -> None:
    keys = [f"snapshots/sales/{n:04d}/g1.csv" for n in range(40)]
    before = await _urls(real_s3, keys)
    assert before[0] == "https://reports-bkt.s3.amazonaws.com/snapshots/sales/0000/g1.csv"

    assert share_endpoint_cache(real_s3) is True
    assert share_endpoint_cache(real_s3) is False  # once is enough
    misses = EndpointProvider.resolve_endpoint.cache_info().misses  # type: ignore[attr-defined]
    after = await _urls(real_s3, keys)
    assert after == before
    assert EndpointProvider.resolve_endpoint.cache_info().misses - misses <= 1  # type: ignore[attr-defined]


async def test_services_whose_rules_read_every_parameter_are_left_alone() -> None:
    session = aioboto3.Session(aws_access_key_id="a", aws_secret_access_key="b", region_name="eu-west-1")
    async with session.client("sqs") as sqs:
        assert share_endpoint_cache(sqs) is False
