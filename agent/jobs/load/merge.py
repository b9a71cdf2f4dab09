"""One transaction per load: record it in ``_loads``, skip it if a newer version of the same object
is already merged, empty the table for a replace, bulk-load the rows, commit. A load that dies on
the way (the agent killed, the connection cut) leaves the table as it was, since the server rolls
the transaction back; a redelivered load finds its own ``_loads`` row and merges nothing twice."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from agent.jobs.errors import InvalidLoadError, JobError, LoadError, TransientLoadError
from agent.jobs.load.bulk import bulk_load
from agent.jobs.load.tables import loads_table, target_table
from contracts.datasets import DatasetSpec

SEQUENCER_WIDTH = 64


@dataclass(frozen=True)
class LoadRecord:
    load_id: str
    dataset: str
    object_key: str  # s3://bucket/key: the object whose versions are ordered
    etag: str
    sequencer: str  # S3's, hex; empty for a backfill

    @property
    def ordered_sequencer(self) -> str:
        """Sequencers differ in length: padded, they compare as text."""
        return self.sequencer.rjust(SEQUENCER_WIDTH, "0") if self.sequencer else ""


@dataclass(frozen=True)
class Counted:
    """What checking the file's rows found: known once the whole file is read."""

    rows: int
    rejected_rows: int


# Called once every part is loaded: the counts, or an error (too many rejects) that rolls back.
Settle = Callable[[], Awaitable[Counted]]


@dataclass(frozen=True)
class Merged:
    rows: int
    rejected_rows: int
    already_loaded: bool = False
    skipped: str | None = None
    rejects_key: str | None = None


class Merger:
    def __init__(self, engine: AsyncEngine, dataset: DatasetSpec) -> None:
        self._engine = engine
        self._dataset = dataset
        self._metadata = sa.MetaData()
        self._target = target_table(dataset, self._metadata)
        self._loads = loads_table(self._metadata)

    async def merge(self, record: LoadRecord, parts: AsyncIterator[Path], settle: Settle) -> Merged:
        """Loads each part as it comes, inside the transaction; ``settle`` then says what the file
        held (or fails it, rolling everything back) before the commit."""
        try:
            await self._ensure_tables()
            async with self._engine.connect() as conn, conn.begin() as transaction:
                if not await self._register(conn, record):
                    await transaction.rollback()
                    return await self._earlier(record)
                newer = await self._newer_version(conn, record)
                if newer is not None:
                    await transaction.rollback()
                    return Merged(0, 0, skipped=newer)
                if self._dataset.mode == "replace":
                    await conn.execute(sa.delete(self._target))
                written = await bulk_load(conn, self._dataset, self._target, parts)
                counted = await settle()
                self._refuse_a_short_load(written, counted)
                await conn.execute(
                    sa.update(self._loads)
                    .where(self._loads.c.load_id == record.load_id)
                    .values(rows_loaded=counted.rows, rows_rejected=counted.rejected_rows)
                )
        except JobError:
            raise
        except Exception as exc:
            raise classify(exc) from exc
        return Merged(counted.rows, counted.rejected_rows)

    def _refuse_a_short_load(self, written: int | None, counted: Counted) -> None:
        if self._dataset.mode == "replace" and counted.rows == 0:
            raise InvalidLoadError(
                f"the file has no rows: it would empty table {self._dataset.table} (mode replace)"
            )
        if written is not None and written != counted.rows:
            raise InvalidLoadError(
                f"{counted.rows - written} of {counted.rows} rows were not written to table"
                f" {self._dataset.table} (a primary key already there or twice in the file);"
                " nothing was merged"
            )

    async def _ensure_tables(self) -> None:
        """Made from the catalog when missing. Two agents may race to make one: the loser sees it."""
        for attempt in range(2):
            try:
                async with self._engine.begin() as conn:
                    await conn.run_sync(self._metadata.create_all, checkfirst=True)
                return
            except sa_exc.DBAPIError:
                if attempt:
                    raise

    async def _register(self, conn: AsyncConnection, record: LoadRecord) -> bool:
        """The load's ``_loads`` row, first thing in the transaction: a second delivery of the same
        load waits on its key until the first commits, then finds it (False)."""
        try:
            async with conn.begin_nested():
                await conn.execute(
                    sa.insert(self._loads).values(
                        load_id=record.load_id,
                        dataset=record.dataset,
                        object_key=record.object_key,
                        key_hash=_key_hash(record.object_key),
                        etag=record.etag,
                        sequencer=record.ordered_sequencer,
                        rows_loaded=0,  # set with the counts before the commit
                        rows_rejected=0,
                        loaded_at=datetime.now(UTC).replace(tzinfo=None),
                    )
                )
        except sa_exc.IntegrityError:
            return False
        return True

    async def _earlier(self, record: LoadRecord) -> Merged:
        async with self._engine.connect() as conn:
            found = (
                await conn.execute(
                    sa.select(self._loads.c.rows_loaded, self._loads.c.rows_rejected).where(
                        self._loads.c.load_id == record.load_id
                    )
                )
            ).one()
        return Merged(int(found.rows_loaded), int(found.rows_rejected), already_loaded=True)

    async def _newer_version(self, conn: AsyncConnection, record: LoadRecord) -> str | None:
        if not record.sequencer:
            return None
        loads = self._loads.c
        newer = (
            await conn.execute(
                sa.select(loads.load_id, loads.sequencer)
                .where(loads.key_hash == _key_hash(record.object_key), loads.load_id != record.load_id)
                .where(loads.sequencer > record.ordered_sequencer)
                .limit(1)
            )
        ).first()
        if newer is None:
            return None
        return (
            f"a newer version of {record.object_key} was already loaded ({newer.load_id}); this one is older"
        )


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def classify(exc: BaseException) -> LoadError:
    """A database error as the load's outcome: the data's fault (never retried) or the moment's."""
    orig = exc.orig if isinstance(exc, sa_exc.DBAPIError) and exc.orig is not None else exc
    kind = type(orig).__name__
    text = " ".join(str(orig).split())[:500]
    if kind in ("IntegrityError", "UniqueViolation", "DataError", "NotNullViolation", "ProgrammingError"):
        return InvalidLoadError(f"the database refused the rows: {text}")
    if "no such column" in text or "has no column" in text or "Unknown column" in text:
        return InvalidLoadError(f"table does not match the dataset's columns: {text}")
    return TransientLoadError(f"database error ({kind}): {text}")
