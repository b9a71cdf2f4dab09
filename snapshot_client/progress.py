"""What ``--wait`` shows while a snapshot renders: on a terminal one line rewritten in place, and
elsewhere (a log, a pipe) a plain line each time the status changes."""

from __future__ import annotations

from typing import TextIO


class Progress:
    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._tty = stream.isatty()
        self._last = ""
        self._width = 0

    def update(self, snapshot_id: str, status: str, elapsed: float) -> None:
        if self._tty:
            line = f"{snapshot_id} {status} {elapsed:.0f}s"
            self._stream.write("\r" + line.ljust(self._width))
            self._width = len(line)
        elif status != self._last:
            self._stream.write(f"{snapshot_id} {status} after {elapsed:.1f}s\n")
        self._last = status
        self._stream.flush()

    def done(self) -> None:
        if self._tty and self._width:
            self._stream.write("\n")
            self._stream.flush()
