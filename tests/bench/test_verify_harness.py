"""The verify bench's harness works on small tables (not a timing): migrate verify and reladiff
both name exactly the injected differences, neither finds any between the equal tables, and the
figures come out of the raw results."""

from __future__ import annotations

import pytest

from bench import verify
from tests.support.services import IN_CI, require_service


@pytest.fixture
def small(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verify, "ROWS", 2_000)
    monkeypatch.setattr(verify, "TABLE", "bench_verify_harness")
    monkeypatch.setattr(verify, "DIFF_DATABASE", "bench_verify_harness_diff")
    if not verify.RELADIFF.exists():
        message = f"{verify.RELADIFF} is missing: run make test (it installs tools/reladiff.txt)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    try:
        verify.prepare(lambda _: None)
    except (RuntimeError, FileNotFoundError) as exc:
        require_service("mariadb and postgresql", str(exc))


@pytest.mark.usefixtures("small")
def test_both_tools_find_exactly_the_injected_differences() -> None:
    expected = verify.expected_differences()
    assert sum(map(len, expected.values())) == 100
    for run in (verify.ours, verify.theirs):
        seconds, found = run(verify.DIFF_DATABASE)
        assert seconds > 0
        assert found == expected, run.__name__
        _, equal = run(None)
        assert equal == {"missing": set(), "extra": set(), "different": set()}, run.__name__


def test_the_figures_follow_from_the_raw_results() -> None:
    raw = {
        "equal": {
            "ours_seconds": 2.0,
            "reladiff_seconds": 2.5,
            "all_seconds": {"ours": [2.0, 2.0, 9.0, 2.0, 2.0], "reladiff": [2.5] * 5},
            "identical_findings": True,
        },
        "100_differences": {
            "ours_seconds": 4.0,
            "reladiff_seconds": 6.0,
            "all_seconds": {"ours": [4.0] * 5, "reladiff": [6.0, 6.0, 6.0, 1.0, 6.0]},
            "identical_findings": False,
        },
    }
    figures = verify.summarise(raw)
    assert figures["verify_ratio_equal"] == 1.25
    assert figures["verify_ratio_100_differences"] == 1.5
    assert figures["verify_ratio"] == 1.25 and figures["verify_ratio_spread"] == [0.278, 1.25]
    assert figures["verify_ratio_100_differences_spread"] == [0.25, 1.5]
    assert figures["verify_identical_findings_100_differences"] is False
