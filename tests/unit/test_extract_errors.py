"""A query that waited on another transaction's locks is worth another try; a bad query is not."""

from __future__ import annotations

import sqlite3

from sqlalchemy import exc as sa_exc

from agent.renderers.sql.extract.errors import is_contention


class SerializationFailure(Exception):
    sqlstate = "40001"


def wrapped(error: Exception) -> sa_exc.DBAPIError:
    return sa_exc.OperationalError("SELECT 1", {}, error)


def test_lock_waits_are_contention_and_query_errors_are_not() -> None:
    assert is_contention(wrapped(sqlite3.OperationalError("database is locked")))
    assert is_contention(
        wrapped(Exception("(1205, 'Lock wait timeout exceeded; try restarting transaction')"))
    )
    assert is_contention(wrapped(Exception("(1213, 'Deadlock found when trying to get lock')")))
    assert is_contention(wrapped(SerializationFailure("could not serialize access")))
    assert not is_contention(wrapped(sqlite3.OperationalError("no such table: sales")))
    assert not is_contention(wrapped(Exception("(1064, 'You have an error in your SQL syntax')")))
