"""The fast path's reader: runs in a process of its own (forked by ``reader_server``), where
ConnectorX reads MySQL/MariaDB or PostgreSQL straight into Arrow (Rust, the binary protocol,
PostgreSQL's binary COPY), or psql's CSV COPY is parsed by pyarrow (``copy_reader``), and each
record batch goes to the agent over a socket.

ConnectorX holds the GIL while the server works, so in the agent's own process a slow query
would freeze its event loop; here it freezes nobody, and killing the process ends the read.

What crosses the socket is in ``reader_protocol``. ConnectorX panics rather than raising on some
inputs; a panic is a failed render, never a crashed reader.
"""

from __future__ import annotations

import contextlib
import json
import threading
from multiprocessing.connection import Connection
from typing import Any

import connectorx  # imported once by the fork server, shared by every reader it forks
import pyarrow as pa

from agent.jobs.errors import InvalidRenderError, RenderError, TransientRenderError
from agent.renderers.sql.extract.copy_reader import CopyReader, open_copy
from agent.renderers.sql.extract.reader_protocol import BATCH, END, FAILED, SCHEMA
from agent.renderers.sql.extract.spill_queue import SpillQueue

MEMORY_BYTES = 32 * 1024 * 1024  # batches a reader holds in memory before it spills to disk
# Phrases of ConnectorX's errors that mean the server refused the query itself.
_QUERY_ERRORS = ("MySqlError { ERROR", "db error: ERROR", "kind: Db,")


def read_into(
    pipe: Connection,
    url: str,
    sql: str,
    batch_rows: int,
    decimal_scales: dict[str, int] | None = None,
    copy: dict[str, Any] | None = None,
) -> None:
    """The reader process's whole life: the query's result, batch by batch, into ``pipe``.

    ``copy`` (PostgreSQL, when ``copy_columns`` allows) reads through psql's COPY instead of
    ConnectorX (``copy_reader``). A thread keeps the reader drained into a ``SpillQueue``
    (ConnectorX would otherwise read the whole result ahead into memory while the agent is busy
    encoding, psql would hold the server's query open); this one sends from it. Each batch goes
    cast to the types the server declared (``declared``): here the cast runs beside the agent's
    encoding, not before it."""
    reader: Any = None
    try:
        if copy is not None:
            reader = open_copy(copy, batch_rows)
        else:
            reader = connectorx.read_sql(url, sql, return_type="arrow_stream", batch_size=batch_rows)
        schema = declared(reader.schema, decimal_scales or {})
        _send(pipe, SCHEMA, schema.serialize())
        batches = SpillQueue(MEMORY_BYTES)
        failed: list[BaseException] = []
        threading.Thread(target=_drain, args=(reader, schema, batches, failed), daemon=True).start()
        while (item := batches.get()) is not None:
            _send(pipe, BATCH, item)
        if failed:
            raise failed[0]
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
        if isinstance(reader, CopyReader):
            reader.close()
        pipe.close()


def failure(exc: BaseException) -> RenderError:
    """The render error a reader's exception means."""
    if isinstance(exc, RenderError):
        return exc  # the COPY route says what went wrong itself
    message = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:500]
    if any(phrase in message for phrase in _QUERY_ERRORS):
        return InvalidRenderError(f"query failed: {message}")
    if type(exc).__name__ == "PanicException" and "kind: Io" not in message:
        return InvalidRenderError(f"the fast reader cannot read this result: {message}")
    return TransientRenderError(f"connection lost: {message}")


def _send(pipe: Connection, tag: bytes, payload: Any) -> None:
    pipe.send_bytes(tag)
    pipe.send_bytes(payload)


def declared(schema: pa.Schema, decimal_scales: dict[str, int]) -> pa.Schema:
    """ConnectorX reads every DECIMAL as decimal128(38, 10); the server's declared scale wins."""
    fields = []
    for field in schema:
        scale = decimal_scales.get(field.name)
        if scale is not None and pa.types.is_decimal(field.type):
            field = field.with_type(pa.decimal128(38, scale))
        fields.append(field)
    return pa.schema(fields)


def _drain(reader: Any, schema: pa.Schema, batches: SpillQueue, failed: list[BaseException]) -> None:
    try:
        while True:
            batch: pa.RecordBatch = reader.read_next_batch()
            if batch.schema != schema:
                try:
                    batch = batch.cast(schema)
                except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
                    raise InvalidRenderError(
                        f"a value does not fit its column's declared type: {exc}"
                    ) from exc
            batches.put(memoryview(batch.serialize()))
    except StopIteration:
        pass
    except BaseException as exc:  # a panic included: the sending thread raises it
        failed.append(exc)
    finally:
        batches.close()
