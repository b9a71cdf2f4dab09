"""Arrow string arrays as the bytes a file holds."""

from __future__ import annotations

import pyarrow as pa


def concatenated(strings: pa.Array) -> bytes:
    """A string array without nulls is its data buffer: every value back to back."""
    _, offsets_buffer, data = strings.buffers()
    if data is None or len(strings) == 0:
        return b""
    offsets = pa.Array.from_buffers(
        pa.int32(), len(strings) + 1, [None, offsets_buffer], offset=strings.offset
    )
    first, last = offsets[0].as_py(), offsets[-1].as_py()
    joined: bytes = data.slice(first, last - first).to_pybytes()
    return joined
