"""One Arrow column turned into SpreadsheetML cell XML, a whole batch at a time.

Every cell carries its reference (``r="C42"``) so a null can simply be left out. Numbers are
``<v>`` text; dates and timestamps are Excel serial days (since 1899-12-30) with a date style;
booleans are ``t="b"``; everything else is an inline string, XML-escaped, with the control
characters XML cannot hold written as ``_xHHHH_`` the way Excel reads them back.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

DATE_STYLE = 1
DATETIME_STYLE = 2
MAX_STRING = 32_767  # Excel's longest cell text
_EPOCH_SERIAL = 25_569  # 1970-01-01 as an Excel serial day
_MICROS_PER_DAY = 86_400_000_000
_CONTROL = [c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)]
_NEEDS_OOXML_ESCAPE = "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f]|_x[0-9A-Fa-f]{4}_"


def column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cells(values: pa.Array, letters: str, row_numbers: pa.Array) -> pa.Array:
    """A string array of ``<c …>…</c>`` (null where the value is null)."""
    kind = values.type
    style = ""
    if pa.types.is_boolean(kind):
        body, cell_type = pc.if_else(values, "1", "0"), ' t="b"'
    elif pa.types.is_date(kind):
        days = pc.cast(pc.cast(values, pa.date32()), pa.int32())
        body, cell_type, style = pc.cast(pc.add(days, _EPOCH_SERIAL), pa.string()), "", f' s="{DATE_STYLE}"'
    elif pa.types.is_timestamp(kind):
        micros = pc.cast(pc.cast(values, pa.timestamp("us", tz=kind.tz)), pa.int64())
        serial = pc.add(
            pc.divide(pc.cast(micros, pa.float64()), float(_MICROS_PER_DAY)), float(_EPOCH_SERIAL)
        )
        body, cell_type, style = pc.cast(serial, pa.string()), "", f' s="{DATETIME_STYLE}"'
    elif pa.types.is_integer(kind) or pa.types.is_decimal(kind):
        body, cell_type = pc.cast(values, pa.string()), ""
    elif pa.types.is_floating(kind):
        finite = pc.is_finite(values)
        body, cell_type = pc.if_else(finite, pc.cast(values, pa.string()), pa.scalar(None, pa.string())), ""
    else:
        return _string_cells(values, letters, row_numbers)
    return pc.binary_join_element_wise(
        f'<c r="{letters}', row_numbers, f'"{style}{cell_type}><v>', body, "</v></c>", ""
    )


def _string_cells(values: pa.Array, letters: str, row_numbers: pa.Array) -> pa.Array:
    text = values if pa.types.is_string(values.type) or pa.types.is_large_string(values.type) else None
    if text is None:
        text = pc.cast(values, pa.string()) if not pa.types.is_binary(values.type) else _binary_text(values)
    text = pc.utf8_slice_codeunits(text, 0, MAX_STRING)
    text = pc.replace_substring(text, "&", "&amp;")
    text = pc.replace_substring(text, "<", "&lt;")
    text = pc.replace_substring(text, ">", "&gt;")
    if pc.any(pc.match_substring_regex(text, _NEEDS_OOXML_ESCAPE)).as_py():
        text = pc.replace_substring(text, "_x", "_x005F_x")  # a literal _xHHHH_ must not read as an escape
        for code in _CONTROL:
            text = pc.replace_substring(text, chr(code), f"_x{code:04X}_")
    return pc.binary_join_element_wise(
        f'<c r="{letters}',
        row_numbers,
        '" t="inlineStr"><is><t xml:space="preserve">',
        text,
        "</t></is></c>",
        "",
    )


def _binary_text(values: pa.Array) -> pa.Array:
    return pa.array([None if v is None else v.hex() for v in values.to_pylist()], pa.string())
