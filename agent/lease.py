"""A fleet-wide counting semaphore in one DynamoDB item: at most ``slots`` holders at once.

The item (``name`` = the semaphore) holds ``holders``, a map of holder id to lease expiry (epoch
seconds), and ``version``, bumped by every write. Acquiring reads the item, drops expired holders
and, if a slot is free, writes the new map on the condition that nobody wrote in between (else
it reads again). Renewing and releasing touch only their own entry and bump the version, so a
concurrent acquirer's stale map can never overwrite them. A holder that dies stops renewing and
its slot comes back when its lease expires.

A holder id names the work, not the worker: a job resumed on another worker takes over its
predecessor's entry at once instead of waiting for it to expire, since it is the same work
(for QuickSight, the same snapshot job) that holds the account's slot.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import AsyncIterator
from typing import Any

from agent.aws import conditional_write
from contracts.topology import LEASE_KEY

log = logging.getLogger(__name__)


class LeaseLost(Exception):
    """The holder's entry is gone (it expired and another acquirer pruned it)."""


class FleetSemaphore:
    def __init__(
        self,
        dynamodb: Any,
        table: str,
        name: str,
        slots: int,
        lease_seconds: float,
        poll_seconds: float = 2.0,
    ) -> None:
        self._ddb = dynamodb
        self._table = table
        self._name = name
        self.slots = slots
        self._lease_seconds = lease_seconds
        self._poll_seconds = poll_seconds
        self._released = asyncio.Event()  # a local release: a local waiter tries again at once

    @contextlib.asynccontextmanager
    async def hold(self, holder: str) -> AsyncIterator[None]:
        """Wait for a slot, keep it renewed while the body runs, give it back after."""
        await self.acquire(holder)
        async with self.held(holder):
            yield

    @contextlib.asynccontextmanager
    async def held(self, holder: str) -> AsyncIterator[None]:
        """A slot already acquired: renewed while the body runs, given back after."""
        renewer = asyncio.create_task(self._keep(holder), name=f"lease {holder}")
        try:
            yield
        finally:
            renewer.cancel()
            await asyncio.gather(renewer, return_exceptions=True)
            await self.release(holder)

    async def acquire(self, holder: str) -> None:
        wait = min(0.2, self._poll_seconds)
        while not await self.try_acquire(holder):
            self._released.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait * random.uniform(0.5, 1.0)):
                    await self._released.wait()
            wait = min(wait * 1.5, self._poll_seconds)

    async def try_acquire(self, holder: str) -> bool:
        """One attempt: True if ``holder`` now has a slot (or already had one)."""
        while True:
            item = await self._read()
            now = time.time()
            version = int(item["version"]["N"]) if "version" in item else None
            holders = _live(item, now)
            if holder not in holders and len(holders) >= self.slots:
                return False
            holders[holder] = now + self._lease_seconds
            if await self._write(holders, version):
                return True
            await asyncio.sleep(random.uniform(0, 0.05))  # lost a race: read again

    async def renew(self, holder: str) -> None:
        expiry = {":expiry": {"N": f"{time.time() + self._lease_seconds:.3f}"}}
        if not await self._touch(holder, "SET holders.#h = :expiry", "attribute_exists(holders.#h)", expiry):
            raise LeaseLost(f"{self._name}: the lease of {holder} expired")

    async def release(self, holder: str) -> None:
        try:
            await self._touch(holder, "REMOVE holders.#h", "attribute_exists(holders)", {})
        except Exception as exc:  # DynamoDB is down: the lease expires by itself
            log.warning("%s: could not release %s (it expires by itself): %s", self._name, holder, exc)
        self._released.set()

    async def _touch(self, holder: str, update: str, condition: str, values: dict[str, Any]) -> bool:
        """Update ``holder``'s own entry and bump the version; False when ``condition`` fails."""
        written, _ = await conditional_write(
            self._ddb.update_item,
            TableName=self._table,
            Key={LEASE_KEY: {"S": self._name}},
            UpdateExpression=f"{update} ADD version :one",
            ConditionExpression=condition,
            ExpressionAttributeNames={"#h": holder},
            ExpressionAttributeValues={":one": {"N": "1"}, **values},
        )
        return written

    async def holders(self) -> dict[str, float]:
        """The live holders and their expiry (for metrics and tests)."""
        return _live(await self._read(), time.time())

    async def _keep(self, holder: str) -> None:
        """Renew at a third of the lease; a lost lease is taken back (the work is still running)."""
        while True:
            await asyncio.sleep(self._lease_seconds / 3)
            try:
                await self.renew(holder)
            except LeaseLost:
                log.warning("%s: lease of %s lost; taking a slot again", self._name, holder)
                await self.acquire(holder)
            except Exception:
                log.exception("%s: renewing %s failed; trying again", self._name, holder)

    async def _read(self) -> dict[str, Any]:
        response = await self._ddb.get_item(
            TableName=self._table, Key={LEASE_KEY: {"S": self._name}}, ConsistentRead=True
        )
        item: dict[str, Any] = response.get("Item", {})
        return item

    async def _write(self, holders: dict[str, float], version: int | None) -> bool:
        condition = "attribute_not_exists(version)" if version is None else "version = :seen"
        values: dict[str, Any] = {
            ":holders": {"M": {h: {"N": f"{e:.3f}"} for h, e in holders.items()}},
            ":next": {"N": str((version or 0) + 1)},
        }
        if version is not None:
            values[":seen"] = {"N": str(version)}
        written, _ = await conditional_write(
            self._ddb.update_item,
            TableName=self._table,
            Key={LEASE_KEY: {"S": self._name}},
            UpdateExpression="SET holders = :holders, version = :next",
            ConditionExpression=condition,
            ExpressionAttributeValues=values,
        )
        return written


def _live(item: dict[str, Any], now: float) -> dict[str, float]:
    holders = item.get("holders", {}).get("M", {})
    return {h: float(v["N"]) for h, v in holders.items() if float(v["N"]) > now}
