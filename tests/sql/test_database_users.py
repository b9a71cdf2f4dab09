"""``snapshot-agent database-users`` on the real MariaDB: the reader may only read, the loader
may write, both match their secrets (moto's Secrets Manager), a second run resets them, and a
secret that cannot be used is one line and exit 2 before anything is changed."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import boto3
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from agent.cli import main
from sandbox.moto_server import MotoSandbox
from tests.sql.conftest import SERVERS, reachable

MARIADB = make_url(SERVERS["mariadb"])


@pytest.fixture
async def master(moto_server: MotoSandbox) -> AsyncIterator[AsyncEngine]:
    engine = await reachable("mariadb")
    yield engine
    await engine.dispose()


def secret(value: dict[str, Any]) -> str:
    arn: str = boto3.client("secretsmanager").create_secret(
        Name=f"reporting/{uuid.uuid4().hex}", SecretString=json.dumps(value)
    )["ARN"]
    return arn


async def run(master_secret: str, reader: str, loader: str) -> int:
    """The command as an operator runs it (its own event loop: a thread here)."""
    url = MARIADB.set(drivername="mysql", username=None, password=None).render_as_string()
    argv = ["database-users", "--url", url, "--master-secret", master_secret, "--reader-secret", reader]
    return await asyncio.to_thread(main, [*argv, "--loader-secret", loader, "--no-require-tls"])


async def can(user: str, password: str, sql: str) -> bool:
    engine = create_async_engine(MARIADB.set(username=user, password=password))
    try:
        async with engine.begin() as conn:
            await conn.execute(text(sql))
        return True
    except DBAPIError:
        return False
    finally:
        await engine.dispose()


async def test_the_reader_reads_the_loader_writes_and_a_rerun_follows_the_secrets(
    master: AsyncEngine,
) -> None:
    suffix = uuid.uuid4().hex[:8]
    table = f"users_{suffix}"
    reader, loader = f"rd_{suffix}", f"ld_{suffix}"
    async with master.begin() as conn:
        await conn.execute(text(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY)"))
    root = secret({"username": MARIADB.username, "password": MARIADB.password or ""})
    try:
        reader_secret = secret({"username": reader, "password": "first-Reader-pw"})
        loader_secret = secret({"username": loader, "password": "first-Loader-pw"})
        assert await run(root, reader_secret, loader_secret) == 0
        assert await can(reader, "first-Reader-pw", f"SELECT * FROM {table}")
        assert not await can(reader, "first-Reader-pw", f"INSERT INTO {table} VALUES (1)"), "read only"
        assert not await can(reader, "first-Reader-pw", "SELECT * FROM mysql.user"), "its database only"
        assert await can(loader, "first-Loader-pw", f"INSERT INTO {table} VALUES (1)")
        assert await can(loader, "first-Loader-pw", f"CREATE TABLE {table}_x (id INTEGER)")

        boto3.client("secretsmanager").put_secret_value(
            SecretId=reader_secret,
            SecretString=json.dumps({"username": reader, "password": "second-Reader-pw"}),
        )
        assert await run(root, reader_secret, loader_secret) == 0
        assert await can(reader, "second-Reader-pw", f"SELECT * FROM {table}")
        assert not await can(reader, "first-Reader-pw", f"SELECT * FROM {table}"), "the old password is gone"
    finally:
        async with master.begin() as conn:
            await conn.execute(text(f"DROP TABLE IF EXISTS {table}, {table}_x"))
            await conn.execute(text(f"DROP USER IF EXISTS '{reader}'@'%', '{loader}'@'%'"))


@pytest.mark.parametrize(
    ("reader_value", "message"),
    [
        ({"username": "x'; DROP USER root; --", "password": "p"}, "is not [A-Za-z0-9_]"),
        ({"password": "p"}, "holds no username and password"),
        ("not json", "cannot be read as JSON"),
    ],
)
async def test_a_secret_that_cannot_be_used_changes_nothing(
    master: AsyncEngine, reader_value: Any, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    root = secret({"username": MARIADB.username, "password": MARIADB.password or ""})
    arn = (
        secret(reader_value)
        if isinstance(reader_value, dict)
        else boto3.client("secretsmanager").create_secret(
            Name=f"reporting/{uuid.uuid4().hex}", SecretString=reader_value
        )["ARN"]
    )
    loader = f"ld_{uuid.uuid4().hex[:8]}"
    assert await run(root, arn, secret({"username": loader, "password": "p"})) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]
    async with master.connect() as conn:
        found = (
            await conn.execute(text("SELECT COUNT(*) FROM mysql.user WHERE User = :u"), {"u": loader})
        ).scalar()
    assert found == 0, "nothing was made"
