"""The fast path's reader: runs in a process of its own (forked by ``reader_server``), where
ConnectorX reads MySQL/MariaDB or PostgreSQL straight into Arrow (Rust, the binary protocol,
PostgreSQL's binary COPY) and each record batch goes to the agent over a socket.

ConnectorX holds the GIL while the server works, so in the agent's own process a slow query
would freeze its event loop; here it freezes nobody, and killing the process ends the read.

What crosses the socket is in ``reader_protocol``. ConnectorX panics rather than raising on some
inputs; a panic is a failed render, never a crashed reader.
"""

from __future__ import annotations

import contextlib
import json
from multiprocessing.connection import Connection
from typing import Any

import connectorx  # imported once by the fork server, shared by every reader it forks
import pyarrow as pa

from agent.errors import InvalidRenderError, RenderError, TransientRenderError
from agent.extract.reader_protocol import BATCH, END, FAILED, SCHEMA

# Phrases of ConnectorX's errors that mean the server refused the query itself.
_QUERY_ERRORS = ("MySqlError { ERROR", "db error: ERROR", "kind: Db,")


def read_into(pipe: Connection, url: str, sql: str, batch_rows: int, decimal_scales: dict[str, int]) -> None:
    """The reader process's whole life: the query's result, batch by batch, into ``pipe``."""
    try:
        reader = connectorx.read_sql(url, sql, return_type="arrow_stream", batch_size=batch_rows)
        schema = _declared(reader.schema, decimal_scales)
        _send(pipe, SCHEMA, schema.serialize())
        while (batch := _next(reader)) is not None:
            _send(pipe, BATCH, _cast(batch, schema).serialize())
        pipe.send_bytes(END)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the agent stopped reading: it has cancelled this extract
    except BaseException as exc:  # pyo3's PanicException derives from BaseException
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        error = failure(exc)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            _send(pipe, FAILED, json.dumps({"error": error.error, "cause": error.cause}).encode())
    finally:
        pipe.close()


def failure(exc: BaseException) -> RenderError:
    """The render error a reader's exception means."""
    message = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:500]
    if isinstance(exc, pa.ArrowInvalid | pa.ArrowTypeError):
        return InvalidRenderError(f"a value does not fit its column's declared type: {message}")
    if any(phrase in message for phrase in _QUERY_ERRORS):
        return InvalidRenderError(f"query failed: {message}")
    if type(exc).__name__ == "PanicException" and "kind: Io" not in message:
        return InvalidRenderError(f"the fast reader cannot read this result: {message}")
    return TransientRenderError(f"connection lost: {message}")


def _send(pipe: Connection, tag: bytes, payload: Any) -> None:
    pipe.send_bytes(tag)
    pipe.send_bytes(payload)


def _next(reader: Any) -> pa.RecordBatch | None:
    try:
        batch: pa.RecordBatch = reader.read_next_batch()
    except StopIteration:
        return None
    return batch


def _declared(schema: pa.Schema, decimal_scales: dict[str, int]) -> pa.Schema:
    """ConnectorX reads every DECIMAL as decimal128(38, 10); the server's declared scale wins."""
    fields = []
    for field in schema:
        scale = decimal_scales.get(field.name)
        if scale is not None and pa.types.is_decimal(field.type):
            field = field.with_type(pa.decimal128(38, scale))
        fields.append(field)
    return pa.schema(fields)


def _cast(batch: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    return batch if batch.schema == schema else batch.cast(schema)
