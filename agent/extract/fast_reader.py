"""The fast path: ConnectorX reads MySQL/MariaDB and PostgreSQL straight into Arrow (Rust, the
binary protocol, PostgreSQL's binary COPY), one record batch at a time.

ConnectorX holds the GIL while it fills a batch, so batches stay small enough (``batch_rows``)
for the event loop to get its turn between them. It panics rather than raising on some inputs;
a panic is a failed render, never a crashed agent.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from agent.errors import InvalidRenderError, TransientRenderError

# Phrases of ConnectorX's errors that mean the server refused the query itself.
_QUERY_ERRORS = ("MySqlError { ERROR", "db error: ERROR", "kind: Db,")


class FastBatches:
    """Batches of ``sql`` as ConnectorX reads them, each cast to ``schema`` (the declared scales)."""

    def __init__(self, url: str, sql: str, batch_rows: int, decimal_scales: dict[str, int]) -> None:
        self._url = url
        self._sql = sql
        self._batch_rows = batch_rows
        self._decimal_scales = decimal_scales
        self._reader: Any = None
        self._schema: pa.Schema | None = None

    def open(self) -> pa.Schema:
        """Start the query (blocking: call it from a worker thread)."""
        import connectorx  # here, not at start-up: 18 MB and 50 ms every agent would pay unused

        self._reader = _guarded(
            lambda: connectorx.read_sql(
                self._url, self._sql, return_type="arrow_stream", batch_size=self._batch_rows
            )
        )
        self._schema = _declared(self._reader.schema, self._decimal_scales)
        return self._schema

    def next_batch(self) -> pa.RecordBatch | None:
        """The next batch, or None at the end (blocking: call it from a worker thread)."""
        assert self._reader is not None and self._schema is not None
        try:
            batch = _guarded(self._reader.read_next_batch)
        except StopIteration:
            return None
        if batch.schema == self._schema:
            return batch
        try:
            return batch.cast(self._schema)
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            raise InvalidRenderError(f"a value does not fit its column's declared type: {exc}") from exc

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None


def _declared(schema: pa.Schema, decimal_scales: dict[str, int]) -> pa.Schema:
    fields = []
    for field in schema:
        scale = decimal_scales.get(field.name)
        if scale is not None and pa.types.is_decimal(field.type):
            field = field.with_type(pa.decimal128(38, scale))
        fields.append(field)
    return pa.schema(fields)


def _guarded(call: Any) -> Any:
    try:
        return call()
    except StopIteration:
        raise
    except BaseException as exc:  # pyo3's PanicException derives from BaseException
        if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
            raise
        message = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:500]
        if any(phrase in message for phrase in _QUERY_ERRORS):
            raise InvalidRenderError(f"query failed: {message}") from exc
        if type(exc).__name__ == "PanicException" and "kind: Io" not in message:
            raise InvalidRenderError(f"the fast reader cannot read this result: {message}") from exc
        raise TransientRenderError(f"connection lost: {message}") from exc
