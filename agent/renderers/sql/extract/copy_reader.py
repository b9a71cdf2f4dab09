"""PostgreSQL's COPY route, in a fast reader process: ``psql`` runs ``COPY (query) TO STDOUT
(FORMAT csv)`` and pyarrow's multi-threaded CSV reader parses its output into record batches of
the types ``copy_columns`` chose.

Measured on the bench's table this reads a result about twice as fast as ConnectorX: the server
writes the text once, psql moves it in C, and pyarrow parses it on every core, where ConnectorX
decodes the binary COPY row by row. psql's session is pinned (ISO dates, UTC, UTF-8, floats at
their shortest exact text) so the text means what the parser assumes whatever the server's
defaults. The query goes in argv with ``-c``, which psql sends to the server as one command,
never reading backslash commands in it; the password goes in psql's environment, never argv.
psql dies with its reader (``PR_SET_PDEATHSIG``): a killed extract leaves no client behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import os
import re
import signal
import subprocess
import tempfile
from typing import IO, Any

import pyarrow as pa
import pyarrow.csv as pacsv

from agent.jobs.errors import InvalidRenderError, RenderError, TransientRenderError
from agent.renderers.sql.extract.copy_columns import COPY_BLOCK_BYTES

MAX_QUERY_BYTES = 100_000  # under Linux's 128 KiB limit on one argv string; longer goes ConnectorX
PSQL_EXIT_WAIT_SECONDS = 10.0  # how long a finished read waits for psql to exit with its status
PSQL_FAILED_WAIT_SECONDS = 1.0  # how long an unreadable row waits to learn whether psql failed
SESSION = (
    "SET DateStyle = ISO; SET TimeZone = 'UTC'; SET extra_float_digits = 1; SET client_encoding = 'UTF8'"
)
_TRAILING = re.compile(r"[\s;]+$")  # COPY's subject is one query, without its semicolon
_PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)


def copy_command(sql: str) -> str:
    """The query as COPY's subject; the line breaks keep a trailing ``--`` comment inside it."""
    subject = _TRAILING.sub("", sql)
    return f"COPY (\n{subject}\n) TO STDOUT (FORMAT csv)"


class CopyReader:
    """Record batches of ``result``'s types, ConnectorX's reader's ``schema`` and
    ``read_next_batch`` (StopIteration at the end). ``close`` kills psql if it still runs."""

    def __init__(self, client: str, url: str, password: str | None, command: str, parsed: pa.Schema,
                 result: pa.Schema, batch_rows: int) -> None:  # fmt: skip
        """``command``: ``copy_command``'s, built by the agent (which checked its length)."""
        self.schema = result
        self._batch_rows = batch_rows
        self._pending: list[pa.RecordBatch] = []
        self._errors: IO[bytes] = tempfile.TemporaryFile(prefix="snapshot-copy-")  # noqa: SIM115
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PGAPPNAME": "snapshot-engine"}
        if password is not None:
            env["PGPASSWORD"] = password
        self._psql = subprocess.Popen(
            [client, "--no-psqlrc", "--quiet", "--no-password", "--set=ON_ERROR_STOP=1",
             f"--dbname={url}", "--command", SESSION, "--command", command],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._errors, env=env,
            preexec_fn=_die_with_parent,  # the reader has no other thread yet
        )  # fmt: skip
        assert isinstance(self._psql.stdout, io.BufferedReader)
        self._csv: pacsv.CSVStreamingReader | None = None
        if not self._psql.stdout.peek(1):  # no output: no rows, or psql failed before any
            self._finish()
            # pyarrow refuses to open an empty CSV; ConnectorX sends one empty batch, which
            # gives the file its columns' types
            self._pending = [pa.RecordBatch.from_pylist([], schema=result)]
            return
        try:
            self._csv = pacsv.open_csv(
                self._psql.stdout,
                read_options=pacsv.ReadOptions(column_names=parsed.names, block_size=COPY_BLOCK_BYTES),
                parse_options=pacsv.ParseOptions(newlines_in_values=True),
                convert_options=pacsv.ConvertOptions(
                    column_types=parsed,
                    null_values=[""],  # COPY writes NULL unquoted and empty, and '' as ""
                    strings_can_be_null=True,
                    quoted_strings_can_be_null=False,
                    true_values=["t"],
                    false_values=["f"],
                ),
            )
        except (pa.ArrowInvalid, OSError) as exc:
            raise self._unreadable(exc) from exc

    def read_next_batch(self) -> pa.RecordBatch:
        while not self._pending:
            if self._csv is None:
                raise StopIteration  # an empty result, its one empty batch sent
            try:
                block = self._csv.read_next_batch()
            except StopIteration:
                self._finish()
                raise
            except (pa.ArrowInvalid, OSError) as exc:
                raise self._unreadable(exc) from exc
            block = block.cast(self.schema) if block.schema != self.schema else block
            self._pending = [block.slice(start, self._batch_rows)
                             for start in range(0, block.num_rows, self._batch_rows)]  # fmt: skip
        return self._pending.pop(0)

    def close(self) -> None:
        self._stop_psql()
        if self._psql.stdout is not None:
            self._psql.stdout.close()
        self._errors.close()

    def _finish(self) -> None:
        """psql's exit, once its output is read: a failure it reports is raised."""
        try:
            code = self._psql.wait(PSQL_EXIT_WAIT_SECONDS)
        except subprocess.TimeoutExpired as exc:
            raise TransientRenderError("psql did not exit after its output ended") from exc
        if code != 0:
            raise failure(self._stderr(), code)

    def _unreadable(self, exc: BaseException) -> RenderError:
        """A row pyarrow cannot read: psql's own failure when it ended (a row cut short by a lost
        connection, an empty output from a refused query), else a value that does not parse."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            code = self._psql.wait(PSQL_FAILED_WAIT_SECONDS)
            if code != 0:
                return failure(self._stderr(), code)
        self._stop_psql()
        return InvalidRenderError(f"a value does not fit its column's declared type: {str(exc)[:500]}")

    def _stop_psql(self) -> None:
        if self._psql.poll() is None:
            self._psql.kill()
            self._psql.wait()

    def _stderr(self) -> str:
        self._errors.seek(0)
        return self._errors.read(4000).decode(errors="replace")


def failure(stderr: str, code: int) -> RenderError:
    """The render error psql's exit means: the server's ERROR is the query's fault; anything else
    (no connection, a connection lost, psql killed) is transient."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    refused = next((line for line in lines if "ERROR:" in line), None)
    if refused is not None:
        return InvalidRenderError(f"query failed: {refused[refused.index('ERROR:') :][:500]}")
    said = lines[0][:500] if lines else f"psql exited with {code}"
    return TransientRenderError(f"connection lost: {said}")


def _die_with_parent() -> None:
    if _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL) != 0:
        os._exit(127)


def open_copy(request: dict[str, Any], batch_rows: int) -> CopyReader:
    """The reader ``fast_reader`` asked for: ``request`` is ``ReaderProcess``'s ``copy`` part."""
    return CopyReader(
        request["client"], request["url"], request["password"], request["command"],
        pa.ipc.read_schema(pa.py_buffer(bytes.fromhex(request["parsed"]))),
        pa.ipc.read_schema(pa.py_buffer(bytes.fromhex(request["result"]))),
        batch_rows,
    )  # fmt: skip
