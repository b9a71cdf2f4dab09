"""Every artifact is checked before it is stored: empty, wrong format, truncated, blank pages and
undecodable CSV are refused with a cause; good ones pass, with rows counted for tabular formats."""

from __future__ import annotations

import io

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter
from PIL import Image, ImageDraw
from pypdf import PdfWriter

from agent.artifacts import ArtifactInspector, Verdict
from agent.jobs.errors import InvalidRenderError, RenderError, TransientRenderError


def inspect(fmt: str, data: bytes, chunk: int = 1000) -> Verdict:
    inspector = ArtifactInspector(fmt)
    for start in range(0, len(data), chunk):
        inspector.feed(memoryview(data)[start : start + chunk])
    return inspector.verdict()


def parquet(rows: int) -> bytes:
    out = io.BytesIO()
    pq.write_table(pa.table({"n": list(range(rows))}), out)
    return out.getvalue()


def xlsx() -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    book.add_worksheet().write(0, 0, "hello")
    book.close()
    return out.getvalue()


def png(blank: bool) -> bytes:
    image = Image.new("RGB", (200, 100), "white")
    if not blank:
        ImageDraw.Draw(image).rectangle((20, 20, 120, 80), fill="navy")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def pdf(blank: bool) -> bytes:
    writer = PdfWriter()
    page = writer.add_blank_page(width=200, height=200)
    if not blank:
        from pypdf.generic import DecodedStreamObject, NameObject

        drawing = DecodedStreamObject()
        drawing.set_data(b"0 0 1 rg " + b" ".join(b"%d %d 10 10 re f" % (x, x) for x in range(0, 180, 9)))
        page[NameObject("/Contents")] = writer._add_object(drawing)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_good_artifacts_pass_and_tabular_rows_are_counted() -> None:
    assert inspect("csv", b"a,b\r\n1,2\r\n3,4\r\n") == Verdict(15, 2)
    assert inspect("csv", b"a,b\r\n").rows == 0  # an empty result set is a valid snapshot
    big = parquet(100_000)
    assert inspect("parquet", big, chunk=4096).rows == 100_000
    assert inspect("xlsx", xlsx()).rows is None
    assert inspect("png", png(blank=False)).size_bytes > 0
    assert inspect("pdf", pdf(blank=False)).size_bytes > 0


@pytest.mark.parametrize(
    ("fmt", "data", "error", "cause"),
    [
        ("csv", b"", InvalidRenderError, "empty csv"),
        ("csv", b"a,b", InvalidRenderError, "no header line"),
        ("csv", b"a,\xff\xfe\r\n", InvalidRenderError, "not UTF-8"),
        ("parquet", b"hello world, not parquet", InvalidRenderError, "not a parquet file"),
        ("parquet", parquet(10)[:-20], TransientRenderError, "truncated"),
        ("xlsx", xlsx()[:-100], TransientRenderError, "truncated"),
        ("png", png(blank=True), TransientRenderError, "blank"),
        (
            "png",
            b"\x89PNG\r\n\x1a\n" + b"\x00" * 40 + b"IEND\xaeB`\x82",
            TransientRenderError,
            "cannot be decoded",
        ),
        ("pdf", pdf(blank=True), TransientRenderError, "blank"),
        ("pdf", b"<html>an error page</html>", InvalidRenderError, "not a pdf file"),
    ],
)
def test_broken_artifacts_are_refused_with_a_cause(
    fmt: str, data: bytes, error: type[RenderError], cause: str
) -> None:
    with pytest.raises(error, match=cause):
        inspect(fmt, data)


def test_a_page_larger_than_the_inspection_bound_keeps_the_format_checks_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("agent.artifacts.WHOLE_LIMIT", 200)
    image = png(blank=False)
    assert len(image) > 200
    assert inspect("png", image, chunk=50).size_bytes == len(image)  # no false "cannot be decoded"
    with pytest.raises(TransientRenderError, match="truncated"):
        inspect("png", image[:-12], chunk=50)
