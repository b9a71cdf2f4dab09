"""Parquet (zstd), one row group per batch; the schema is the reader's, decimals included."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from agent.writers.arrow_file import ArrowFileEncoder
from agent.writers.byte_buffer import ByteBuffer


class ParquetEncoder(ArrowFileEncoder):
    def _open(self, file: ByteBuffer, schema: pa.Schema) -> pq.ParquetWriter:
        return pq.ParquetWriter(file, schema, compression="zstd")
