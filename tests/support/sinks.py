"""A sink that keeps what it was given, chunk by chunk, for renderer and writer tests."""

from __future__ import annotations


class ListSink:
    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    async def write(self, data: bytes | bytearray | memoryview) -> None:
        self.chunks.append(bytes(data))

    @property
    def data(self) -> bytes:
        return b"".join(self.chunks)
