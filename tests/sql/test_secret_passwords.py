"""A datasource's password from Secrets Manager (moto), against a MariaDB user that has one: read
when the datasource opens, and followed when the secret is rotated."""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import boto3
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

from agent.aws import open_clients
from agent.jobs.errors import TransientLoadError, TransientRenderError
from agent.jobs.load.databases import LoadDatabases
from agent.metrics import AgentMetrics
from agent.renderers.sql.extract.sources import DataSources
from agent.secret_passwords import SecretPasswords
from sandbox.moto_server import MotoSandbox
from tests.sql.conftest import SERVERS
from tests.support.services import require_service

USER = "snap_secret_user"


async def as_admin(*statements: str) -> None:
    async with contextlib.AsyncExitStack() as stack:
        engine = create_async_engine(SERVERS["mariadb"])
        stack.push_async_callback(engine.dispose)
        try:
            async with engine.begin() as conn:
                for statement in statements:
                    await conn.execute(sa.text(statement))
        except (OSError, DBAPIError) as exc:
            require_service("mariadb", str(exc))


@pytest.fixture
async def secretsmanager(moto_server: MotoSandbox) -> AsyncIterator[Any]:
    """The agent's own client, as ``serve()`` opens it for an agent with data source secrets."""
    async with open_clients(AgentMetrics(), 4, secrets=True) as aws:
        yield aws.secretsmanager


async def test_an_agent_without_data_source_secrets_opens_no_secrets_client(moto_server: MotoSandbox) -> None:
    async with open_clients(AgentMetrics(), 4) as aws:
        assert aws.secretsmanager is None


@pytest.fixture
async def secret() -> AsyncIterator[str]:
    await as_admin(
        f"DROP USER IF EXISTS '{USER}'@'%'",
        f"CREATE USER '{USER}'@'%' IDENTIFIED BY 'first-password'",
        f"GRANT SELECT, INSERT, CREATE ON test.* TO '{USER}'@'%'",
    )
    arn: str = boto3.client("secretsmanager").create_secret(
        Name=f"rds!db-{uuid.uuid4()}",
        SecretString=json.dumps({"username": USER, "password": "first-password"}),
    )["ARN"]
    yield arn
    await as_admin(f"DROP USER IF EXISTS '{USER}'@'%'")


def rotate(arn: str, password: str) -> str:
    boto3.client("secretsmanager").put_secret_value(
        SecretId=arn, SecretString=json.dumps({"username": USER, "password": password})
    )
    return f"ALTER USER '{USER}'@'%' IDENTIFIED BY '{password}'"


URL = SERVERS["mariadb"].replace("root@", f"{USER}@")


async def test_a_datasource_gets_its_password_from_its_secret_and_follows_a_rotation(
    secretsmanager: Any, secret: str
) -> None:
    sources = DataSources({"db": URL}, SecretPasswords(secretsmanager, {"db": secret}, ttl_seconds=0))
    first = await sources.get("db")
    async with first.engine.connect() as conn:
        assert (await conn.execute(sa.text("SELECT CURRENT_USER()"))).scalar_one().startswith(USER)
    assert "first-password" not in URL, "the configured URL carries no password"

    await as_admin(rotate(secret, "second-password"))
    second = await sources.get("db")
    assert second is not first, "a rotated password opens the datasource anew"
    async with second.engine.connect() as conn:
        assert (await conn.execute(sa.text("SELECT 1"))).scalar_one() == 1
    assert await sources.get("db") is second, "an unchanged password keeps the engines"
    await sources.close()


async def test_without_its_secret_the_user_cannot_connect(secret: str) -> None:
    sources = DataSources({"db": URL})
    source = await sources.get("db")
    with pytest.raises(DBAPIError, match="Access denied"):
        async with source.engine.connect():
            pass
    await sources.close()


async def test_loads_read_the_same_secret(secretsmanager: Any, secret: str) -> None:
    databases = LoadDatabases({"db": URL}, SecretPasswords(secretsmanager, {"db": secret}, ttl_seconds=0))
    engine = await databases.get("db")
    async with engine.connect() as conn:
        assert (await conn.execute(sa.text("SELECT 1"))).scalar_one() == 1
    await databases.close()


async def test_a_missing_or_malformed_secret_fails_transient_with_its_reason(secretsmanager: Any) -> None:
    missing = "arn:aws:secretsmanager:us-east-1:123456789012:secret:nope-AbCdEf"
    with pytest.raises(TransientRenderError, match=r"secret .* cannot be read: ResourceNotFoundException"):
        await DataSources({"db": URL}, SecretPasswords(secretsmanager, {"db": missing})).get("db")
    plain = boto3.client("secretsmanager").create_secret(
        Name=f"plain-{uuid.uuid4()}", SecretString="hunter2"
    )["ARN"]
    with pytest.raises(TransientLoadError, match="holds no JSON with a password"):
        await LoadDatabases({"db": URL}, SecretPasswords(secretsmanager, {"db": plain})).get("db")


async def test_renders_connect_as_the_reader_and_loads_as_the_loader(secretsmanager: Any) -> None:
    """A secret with a username names the user to connect as; loads take their own secret."""
    make = boto3.client("secretsmanager").create_secret
    reader = make(Name=f"r-{uuid.uuid4()}", SecretString=json.dumps({"username": "rd", "password": "rp"}))
    loader = make(Name=f"l-{uuid.uuid4()}", SecretString=json.dumps({"username": "ld", "password": "lp"}))
    renders = SecretPasswords(secretsmanager, {"reporting": reader["ARN"]})
    loads = renders.with_secrets({"reporting": loader["ARN"]})
    url = "mysql+aiomysql://admin@db.example:3306/reporting"
    assert await renders.url("reporting", url) == "mysql+aiomysql://rd:rp@db.example:3306/reporting"
    assert await loads.url("reporting", url) == "mysql+aiomysql://ld:lp@db.example:3306/reporting"
    assert await loads.url("other", url) == url
