"""The agent's side of the fast readers: the fork server it starts (``ReaderServer``) and one
query's reader process (``ReaderProcess``): start it, take its batches, kill it.

A reader that dies without finishing its result (killed, out of memory) is a transient failure.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from multiprocessing.connection import Connection
from typing import IO, Any

import pyarrow as pa

from agent.arrow_memory import reader_environment
from agent.jobs.errors import InvalidRenderError, RenderError, TransientRenderError
from agent.renderers.sql.extract.reader_protocol import BATCH, END, FAILED, READY, SCHEMA, SOCKET_NAME

START_WAIT_SECONDS = 30.0  # how long the first fast extract waits for the fork server to import
EXIT_WAIT_SECONDS = 2.0  # how long closing waits for the fork server to end before killing it


class ReaderServer:
    """The fork server, started on first use and again if it died. ``connect`` blocks."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._directory: str | None = None

    def connect(self) -> socket.socket:
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self._start()
            assert self._directory is not None
            reader = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                reader.connect(os.path.join(self._directory, SOCKET_NAME))
            except OSError:
                reader.close()
                raise
            return reader

    def close(self) -> None:
        with self._lock:
            self._stop()

    def _start(self) -> None:
        self._stop()
        self._directory = tempfile.mkdtemp(prefix="snapshot-readers-")  # 0700: only this user connects
        self._process = subprocess.Popen(
            [sys.executable, "-m", "agent.renderers.sql.extract.reader_server", self._directory],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=reader_environment(),
        )
        assert self._process.stdout is not None
        if not _ready(self._process.stdout):
            self._stop()
            raise TransientRenderError("the fast reader's fork server did not start")

    def _stop(self) -> None:
        if self._process is not None:
            for pipe in (self._process.stdin, self._process.stdout):
                if pipe is not None:
                    pipe.close()  # its stdin's end tells the server to go
            try:
                self._process.wait(EXIT_WAIT_SECONDS)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
        if self._directory is not None:
            shutil.rmtree(self._directory, ignore_errors=True)
            self._directory = None


def _ready(stdout: IO[bytes]) -> bool:
    ready = threading.Event()
    said: list[bytes] = []

    def listen() -> None:
        said.append(stdout.readline())
        ready.set()

    threading.Thread(target=listen, daemon=True).start()
    return ready.wait(START_WAIT_SECONDS) and said == [READY]


class ReaderProcess:
    """One query's fast read. ``open`` and ``next_batch`` block (call them from a worker thread);
    ``kill`` does not, and makes a blocked ``open`` or ``next_batch`` return."""

    def __init__(
        self,
        server: ReaderServer,
        url: str,
        sql: str,
        batch_rows: int,
        decimal_scales: dict[str, int],
        copy: dict[str, Any] | None = None,
    ) -> None:
        """``copy``: read through PostgreSQL's COPY route (``copy_reader.open_copy``'s request)."""
        self._server = server
        self._request = json.dumps(
            {"url": url, "sql": sql, "batch_rows": batch_rows, "decimal_scales": decimal_scales, "copy": copy}
        ).encode()
        self._pipe: Connection | None = None
        self._pidfd: int | None = None
        self._schema: pa.Schema | None = None  # as the server declared it: the reader casts to it
        self._lock = threading.Lock()
        self._killed = False
        self._ended = False

    def open(self) -> pa.Schema:
        self._pipe = Connection(self._server.connect().detach())
        try:
            pid = int(self._pipe.recv_bytes())
        except (EOFError, OSError, ValueError) as exc:
            raise TransientRenderError(f"the fast reader did not start: {exc!r}") from exc
        with self._lock:
            self._pidfd = os.pidfd_open(pid)  # from here on a kill cannot reach another process
        if self._killed:
            self.kill()
            raise TransientRenderError("the extract was stopped as its reader started")
        self._pipe.send_bytes(self._request)
        self._schema = pa.ipc.read_schema(pa.py_buffer(self._expect(SCHEMA)))
        return self._schema

    def next_batch(self) -> pa.RecordBatch | None:
        """The next batch, or None once the whole result has arrived."""
        assert self._schema is not None
        payload = self._expect(BATCH, END)
        if payload is None:
            return None
        return pa.ipc.read_record_batch(pa.py_buffer(payload), self._schema)

    def kill(self) -> None:
        with self._lock:
            self._killed = True
            if self._pidfd is not None and not self._ended:
                with contextlib.suppress(ProcessLookupError):
                    signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)

    def close(self) -> None:
        """Kill the reader unless it finished (never while a thread reads its pipe)."""
        self.kill()
        if self._pipe is not None:
            self._pipe.close()
            self._pipe = None
        if self._pidfd is not None:
            os.close(self._pidfd)
            self._pidfd = None

    def _expect(self, *tags: bytes) -> bytes | None:
        assert self._pipe is not None
        try:
            tag = self._pipe.recv_bytes()
            if tag == END and tag in tags:
                self._ended = True
                return None
            payload = self._pipe.recv_bytes()
        except (EOFError, OSError) as exc:
            raise TransientRenderError("the fast reader process ended before its result did") from exc
        if tag == FAILED:
            self._ended = True
            raise _failed(payload)
        if tag not in tags:
            raise TransientRenderError(f"the fast reader sent {tag!r} where {tags!r} belonged")
        return payload


def _failed(payload: bytes) -> RenderError:
    failure = json.loads(payload)
    error = InvalidRenderError if failure["error"] == InvalidRenderError.error else TransientRenderError
    return error(failure["cause"])
