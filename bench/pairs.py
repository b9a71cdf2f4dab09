"""Ratios that hold on a noisy machine: ours and its baseline measured in turns, in pairs, the
order flipped every other pair (a drift of the machine falls on both alike), and the figure the
median of the pairs' ratios, reported with its spread (the lowest and highest pair)."""

from __future__ import annotations

import statistics
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

PAIRS = 5  # each ratio is the median of at least this many pairs


@dataclass(frozen=True)
class Spread:
    ratios: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.ratios)

    def figures(self, name: str) -> dict[str, Any]:
        """``name``: the median; ``name_spread``: [lowest, highest] pair."""
        return {
            name: round(self.median, 3),
            f"{name}_spread": [round(min(self.ratios), 3), round(max(self.ratios), 3)],
        }


async def paired(
    ours: Callable[[], Awaitable[float]],
    baseline: Callable[[], Awaitable[float]],
    pairs: int = PAIRS,
) -> tuple[Spread, list[float], list[float]]:
    """Each pair measures both (baseline first in even pairs, ours first in odd ones); the ratio
    is ours ÷ the baseline's (pass rates, or the baseline's seconds as ``ours``, to keep it "higher
    is better"). Returns the spread and both sides' raw values."""
    if pairs < 1:
        raise ValueError("pairs must be at least 1")
    mine: list[float] = []
    theirs: list[float] = []
    for turn in range(pairs):
        if turn % 2 == 0:
            theirs.append(await baseline())
            mine.append(await ours())
        else:
            mine.append(await ours())
            theirs.append(await baseline())
    return Spread(tuple(m / t for m, t in zip(mine, theirs, strict=True))), mine, theirs


def of_seconds(baseline_seconds: list[float], our_seconds: list[float]) -> Spread:
    """Pairs measured in turns as seconds (the same round's two runs a pair): the baseline's
    seconds ÷ ours, so higher is better for us."""
    if not our_seconds or len(our_seconds) != len(baseline_seconds):
        raise ValueError("each pair needs both sides' seconds")
    return Spread(tuple(b / o for b, o in zip(baseline_seconds, our_seconds, strict=True)))


def median_run(runs: list[dict[str, Any]], key: str) -> dict[str, Any]:
    """The run whose ``key`` is the median (the upper one of an even count): its other figures
    come from one real run rather than a mix of runs."""
    if not runs:
        raise ValueError("no runs")
    return sorted(runs, key=lambda run: run[key])[len(runs) // 2]
