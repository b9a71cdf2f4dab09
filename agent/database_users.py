"""``snapshot-agent database-users``: the reporting database's two users, made from their secrets.

Terraform makes each user's secret (``<name>/reporting/reader`` and ``.../loader``, a generated
password written only there); this connects as the master (its RDS-managed secret, which only an
operator may read) and makes the users match their secrets:

- the reader (renders): ``SELECT`` on the reporting database, nothing else;
- the loader (load jobs): what a load does there (insert, update, delete, create and alter its
  tables, ``LOAD DATA``'s temporary work), on that database only.

Run it once after the first ``make apply``, and again after changing a secret's value: it is
idempotent, and a run resets each user's password and privileges to exactly these. Exit 0 done,
2 with one line for bad arguments or an unreadable secret, 1 when the database refuses.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

USER_NAME = re.compile(r"^[A-Za-z0-9_]{1,32}$")
DATABASE_NAME = re.compile(r"^[A-Za-z0-9_$]{1,64}$")
READER_PRIVILEGES = ("SELECT",)
LOADER_PRIVILEGES = (
    "SELECT",
    "INSERT",
    "UPDATE",
    "DELETE",
    "CREATE",
    "ALTER",
    "INDEX",
    "DROP",
    "CREATE TEMPORARY TABLES",
    "LOCK TABLES",
)


class Refused(ValueError):
    """Bad arguments or a secret that cannot be used: one line, exit 2."""


@dataclass(frozen=True)
class DatabaseUser:
    username: str
    password: str
    privileges: tuple[str, ...]


def statements(database: str, user: DatabaseUser, require_tls: bool) -> list[tuple[str, dict[str, Any]]]:
    """What makes ``user`` exist with its password and exactly its privileges on ``database``."""
    if not USER_NAME.match(user.username):
        raise Refused(f"user name {user.username!r} is not [A-Za-z0-9_]{{1,32}}")
    if not DATABASE_NAME.match(database):
        raise Refused(f"database name {database!r} is not a plain name")
    account = f"'{user.username}'@'%'"
    tls = " REQUIRE SSL" if require_tls else ""
    secret = {"password": user.password}
    return [
        (f"CREATE USER IF NOT EXISTS {account} IDENTIFIED BY :password{tls}", secret),
        (f"ALTER USER {account} IDENTIFIED BY :password{tls}", secret),
        (f"REVOKE ALL PRIVILEGES, GRANT OPTION FROM {account}", {}),
        (f"GRANT {', '.join(user.privileges)} ON `{database}`.* TO {account}", {}),
    ]


async def make_users(master: URL, database: str, users: list[DatabaseUser], require_tls: bool) -> None:
    planned = [s for user in users for s in statements(database, user, require_tls)]
    engine = create_async_engine(master.set(drivername="mysql+aiomysql"))
    try:
        async with engine.begin() as conn:
            for sql, params in planned:
                await conn.execute(text(sql), params)
    finally:
        await engine.dispose()


def credentials(secretsmanager: Any, secret: str) -> dict[str, str]:
    try:
        value = json.loads(secretsmanager.get_secret_value(SecretId=secret)["SecretString"])
    except Exception as exc:
        raise Refused(f"secret {secret} cannot be read as JSON: {type(exc).__name__}") from None
    if not isinstance(value, dict) or not isinstance(value.get("username"), str) or "password" not in value:
        raise Refused(f"secret {secret} holds no username and password")
    return {"username": value["username"], "password": str(value["password"])}


def run(args: argparse.Namespace, secretsmanager: Any) -> None:
    try:
        url = make_url(args.url)
    except ArgumentError as exc:
        raise Refused(f"--url is not a database URL: {exc}") from None
    if url.get_backend_name() not in ("mysql", "mariadb") or not url.database:
        raise Refused("--url must be the reporting database's mysql://host:port/database")
    master = credentials(secretsmanager, args.master_secret)
    users = [
        DatabaseUser(**credentials(secretsmanager, args.reader_secret), privileges=READER_PRIVILEGES),
        DatabaseUser(**credentials(secretsmanager, args.loader_secret), privileges=LOADER_PRIVILEGES),
    ]
    connect = url.set(username=master["username"], password=master["password"])
    asyncio.run(make_users(connect, url.database, users, not args.no_require_tls))


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "database-users", help="make the reporting database's reader and loader from their secrets"
    )
    parser.add_argument("--url", required=True, help="mysql://HOST:PORT/DATABASE of the reporting database")
    parser.add_argument("--master-secret", required=True, help="the RDS-managed master secret (ARN)")
    parser.add_argument("--reader-secret", required=True, help="Terraform's <name>/reporting/reader")
    parser.add_argument("--loader-secret", required=True, help="Terraform's <name>/reporting/loader")
    parser.add_argument(
        "--no-require-tls", action="store_true", help="let the users connect without TLS (a local server)"
    )


def main(args: argparse.Namespace) -> int:
    import boto3

    try:
        run(args, boto3.client("secretsmanager"))
    except Refused as exc:
        print(f"snapshot-agent database-users: {exc}", file=sys.stderr)
        return 2
    except (DBAPIError, OSError) as exc:
        print(
            f"snapshot-agent database-users: the database refused: {str(exc).splitlines()[0]}",
            file=sys.stderr,
        )
        return 1
    print("snapshot-agent database-users: reader and loader match their secrets")
    return 0
