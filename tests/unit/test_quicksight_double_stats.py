"""The QuickSight double's call statistics: the yardstick the fleet's rate tests are held to."""

from __future__ import annotations

from sandbox.quicksight_double import Stats


def test_busiest_counts_the_calls_inside_any_window() -> None:
    stats = Stats(arrivals=[0.0, 0.5, 0.99, 1.0, 1.2, 3.0, 3.1, 3.2, 3.3])
    assert stats.busiest(1.0) == 4  # 0.5-1.2 or 3.0-3.3; [0.0, 1.0) holds 3: a window excludes its end
    assert stats.busiest(1.3) == 5  # 0.0-1.2
    assert stats.busiest(5.0) == 9
    assert stats.mean_rate() == 9 / 3.3


def test_no_calls_is_no_rate() -> None:
    assert Stats().busiest(1.0) == 0 and Stats().mean_rate() == 0.0
    assert Stats(arrivals=[2.0]).mean_rate() == 0.0
