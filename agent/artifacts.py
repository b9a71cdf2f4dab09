"""Checks every artifact before it is stored (the rule: never deliver a broken snapshot).

The inspector sees each byte the renderer writes into the sink and keeps only what the checks
need: the first bytes (magic), the last bytes (Parquet footer, ZIP directory, PDF trailer, PNG
IEND), the CSV line count, and for PDF and PNG (pages, not data) the whole file up to a bound, to
tell a blank page from a real one. ``verdict`` raises a ``RenderError`` with the cause:
``Render.Invalid`` when retrying cannot help (nothing written, not the format at all),
``Render.Transient`` when it may (truncated, or a blank page that had not finished loading).
"""

from __future__ import annotations

import codecs
import io
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from agent.jobs.errors import InvalidRenderError, TransientRenderError

log = logging.getLogger(__name__)
HEAD = 16
TAIL = 1 << 16
WHOLE_LIMIT = 64 << 20
MAGIC = {
    "parquet": b"PAR1",
    "xlsx": b"PK\x03\x04",
    "pdf": b"%PDF-",
    "png": b"\x89PNG\r\n\x1a\n",
}
# How each format must end: Parquet with its magic, PNG with the IEND chunk and its CRC, PDF with
# %%EOF (and maybe a newline), a ZIP (XLSX) with its end-of-central-directory record somewhere
# in the last 64 KiB (its comment may follow).
ENDINGS: dict[str, Callable[[bytes], bool]] = {
    "parquet": lambda tail: tail.endswith(b"PAR1"),
    "png": lambda tail: tail[-8:-4] == b"IEND",
    "pdf": lambda tail: b"%%EOF" in tail[-32:],
    "xlsx": lambda tail: b"PK\x05\x06" in tail,
}


@dataclass(frozen=True)
class Verdict:
    size_bytes: int
    rows: int | None


class ArtifactInspector:
    def __init__(self, fmt: str) -> None:
        self.format = fmt
        self._head = bytearray()
        self._tail: deque[bytes] = deque()
        self._tail_size = 0
        self._size = 0
        self._lines = 0
        self._decoder = codecs.getincrementaldecoder("utf-8")() if fmt == "csv" else None
        self._not_utf8: str | None = None
        self._whole: bytearray | None = bytearray() if fmt in ("pdf", "png") else None

    def feed(self, data: bytes | bytearray | memoryview) -> None:
        chunk = bytes(data)
        self._size += len(chunk)
        if len(self._head) < HEAD:
            self._head += chunk[: HEAD - len(self._head)]
        self._tail.append(chunk)
        self._tail_size += len(chunk)
        while self._tail_size - len(self._tail[0]) >= TAIL:
            self._tail_size -= len(self._tail.popleft())
        if self._decoder is not None and self._not_utf8 is None:
            try:
                self._decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                self._not_utf8 = str(exc)
            self._lines += chunk.count(b"\n")
        if self._whole is not None:
            self._whole += chunk
            if len(self._whole) > WHOLE_LIMIT:
                # Pages are small; past the bound, keep the format checks and skip the blank one.
                log.info("%s artifact over %d bytes: not checked for blank pages", self.format, WHOLE_LIMIT)
                self._whole = None

    def verdict(self) -> Verdict:
        if self._size == 0:
            raise InvalidRenderError(f"the renderer produced an empty {self.format} artifact")
        magic = MAGIC.get(self.format)
        if magic is not None and not self._head.startswith(magic):
            raise InvalidRenderError(f"not a {self.format} file: it starts with {bytes(self._head[:8])!r}")
        tail = b"".join(self._tail)[-TAIL:]
        complete = ENDINGS.get(self.format)
        if complete is not None and not complete(tail):
            raise TransientRenderError(f"the {self.format} artifact is truncated: it does not end as one")
        return Verdict(self._size, self._check_content(tail))

    def _check_content(self, tail: bytes) -> int | None:
        if self.format == "csv":
            if self._not_utf8 is not None:
                raise InvalidRenderError(f"the csv artifact is not UTF-8: {self._not_utf8}")
            if self._lines == 0:
                raise InvalidRenderError("the csv artifact has no header line")
            return self._lines - 1
        if self.format == "parquet":
            return _parquet_rows(tail)
        if self.format == "png" and self._whole is not None:
            _reject_blank_png(bytes(self._whole))
        if self.format == "pdf" and self._whole is not None:
            _reject_blank_pdf(bytes(self._whole))
        return None


def _parquet_rows(tail: bytes) -> int | None:
    """Rows from the footer (only the footer is kept); None when the footer is larger than the tail."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    length = int.from_bytes(tail[-8:-4], "little")
    if length + 8 > len(tail):
        return None
    try:
        return int(pq.read_metadata(pa.BufferReader(b"PAR1" + tail[-(length + 8) :])).num_rows)
    except (OSError, ValueError) as exc:
        raise TransientRenderError(f"the parquet footer cannot be read: {exc}") from exc


def _reject_blank_png(data: bytes) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            low, high = image.convert("L").getextrema()
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise TransientRenderError(f"the png artifact cannot be decoded: {exc}") from exc
    if low == high:
        raise TransientRenderError(f"the png artifact is blank: every pixel has the value {low}")


def _reject_blank_pdf(data: bytes) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = list(reader.pages)
    except (PdfReadError, OSError, ValueError) as exc:
        raise TransientRenderError(f"the pdf artifact cannot be read: {exc}") from exc
    if not pages:
        raise TransientRenderError("the pdf artifact has no page")
    for page in pages:
        text = (page.extract_text() or "").strip()
        resources = page.get("/Resources") or {}
        images = resources.get("/XObject") if hasattr(resources, "get") else None
        content = page.get_contents()
        drawn = len(content.get_data()) if content is not None else 0
        if text or images or drawn > 200:
            return
    raise TransientRenderError(f"the pdf artifact is blank: {len(pages)} page(s), no text, image or drawing")
