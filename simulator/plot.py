"""``out/simulation.png``: backlog, instances and wait over time, one panel per trace."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from simulator.fleet import Result


def plot(results: dict[str, Result], path: Path) -> None:
    figure, axes = plt.subplots(len(results), 1, figsize=(12, 4 * len(results)))
    for axis, (name, result) in zip(axes, results.items(), strict=True):
        hours = [p["t"] / 3600 for p in result.timeline]
        axis.plot(hours, [p["backlog"] for p in result.timeline], color="tab:red", label="backlog (jobs)")
        axis.set_ylabel("jobs")
        axis.set_xlabel("hours")
        instances = axis.twinx()
        instances.step(
            hours,
            [p["instances"] for p in result.timeline],
            color="tab:blue",
            where="post",
            label="instances",
        )
        instances.plot(
            hours,
            [p["max_wait_s"] / 60 for p in result.timeline],
            color="tab:green",
            alpha=0.7,
            label="longest wait of jobs started (min)",
        )
        instances.set_ylabel("instances / wait (min)")
        lines = axis.get_lines() + instances.get_lines()
        axis.legend(lines, [line.get_label() for line in lines], loc="upper right")
        axis.set_title(name)
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)
