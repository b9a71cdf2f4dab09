"""Paired ratios: each pair measures both sides, the order flips every other pair, and the
figure is the median with the lowest and highest pair beside it."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from bench.pairs import Spread, median_run, paired


def test_pairs_flip_their_order_and_report_median_and_spread() -> None:
    calls: list[str] = []
    ours_values = iter([2.0, 3.0, 4.0, 10.0, 1.0])
    theirs_values = itertools.repeat(2.0)

    async def ours() -> float:
        calls.append("ours")
        return next(ours_values)

    async def baseline() -> float:
        calls.append("base")
        return next(theirs_values)

    spread, mine, theirs = asyncio.run(paired(ours, baseline, pairs=5))
    assert calls == ["base", "ours", "ours", "base", "base", "ours", "ours", "base", "base", "ours"]
    assert mine == [2.0, 3.0, 4.0, 10.0, 1.0] and theirs == [2.0] * 5
    assert spread.figures("x") == {"x": 1.5, "x_spread": [0.5, 5.0]}


def test_one_outlier_pair_does_not_move_the_median() -> None:
    assert Spread((0.91, 0.93, 0.2, 0.95, 0.92)).median == 0.92


def test_no_pairs_is_refused() -> None:
    async def one() -> float:
        return 1.0

    with pytest.raises(ValueError, match="at least 1"):
        asyncio.run(paired(one, one, pairs=0))


def test_the_median_run_is_one_real_run() -> None:
    runs = [{"rate": 3.0, "cpu": 1}, {"rate": 1.0, "cpu": 2}, {"rate": 2.0, "cpu": 3}]
    assert median_run(runs, "rate") == {"rate": 2.0, "cpu": 3}
    with pytest.raises(ValueError, match="no runs"):
        median_run([], "rate")
