"""A write-only file for Arrow and zipfile writers whose bytes are taken out after each batch."""

from __future__ import annotations


class ByteBuffer:
    def __init__(self) -> None:
        self._data = bytearray()
        self._position = 0
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> int:
        self._data += data
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True

    def take(self) -> bytes:
        out = bytes(self._data)
        self._data.clear()
        return out
