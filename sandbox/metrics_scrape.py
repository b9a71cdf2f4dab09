"""Reads an agent's ``/metrics`` with prometheus-client's own parser (the demo and the tests)."""

from __future__ import annotations

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


async def scrape(port: int, host: str = "127.0.0.1") -> Samples:
    async with aiohttp.ClientSession() as http, http.get(f"http://{host}:{port}/metrics") as response:
        text = await response.text()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def jobs(samples: Samples, outcome: str) -> float:
    """``snapshot_agent_jobs_total`` summed over renderers for one outcome."""
    return sum(
        value
        for (name, labels), value in samples.items()
        if name == "snapshot_agent_jobs_total" and ("outcome", outcome) in labels
    )
