"""The reports bench's harness works (not a timing): the generated project converts every page and
visual it wrote, and the figures come from the rounds it ran."""

from __future__ import annotations

from bench import reports


def test_the_generated_project_converts_page_by_page() -> None:
    raw = reports.measure(lambda _: None, pages=2, visuals=5)
    assert raw["visuals"] == 10 and len(raw["ours_s"]) == len(raw["parse_s"]) == reports.ROUNDS
    figures = reports.summarise(raw)
    assert figures["reports_coverage"].startswith("coverage: ")
    assert figures["reports_convert_ratio"] > 0 and figures["reports_visuals_per_s"] > 0
