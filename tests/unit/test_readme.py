"""The README stays a short guide that is true: at most 250 lines (reference lives in docs/), its
layout page lists every top-level directory and every tests/ suite there is (and nothing that is
gone), and every page it links exists."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
LAYOUT = (ROOT / "docs" / "layout.md").read_text()
GUIDE_LINES = 250


def tracked() -> list[str]:
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
    return listed.stdout.splitlines()


def layout() -> str:
    return LAYOUT.split("```", 2)[1]


def test_the_readme_is_a_guide_not_a_reference() -> None:
    assert len(README.splitlines()) <= GUIDE_LINES, "move reference material to a page under docs/"
    assert "](docs/layout.md)" in README


def test_the_layout_lists_every_top_level_directory_and_no_other() -> None:
    directories = {path.split("/")[0] for path in tracked() if "/" in path and not path.startswith(".")}
    listed = set(re.findall(r"^([a-z_]+)/ ", layout(), re.M))
    assert listed == directories


def test_the_layout_names_every_test_suite() -> None:
    suites = {p.split("/")[1] for p in tracked() if p.startswith("tests/") and p.count("/") >= 2}
    tests_entry = layout().split("tests/", 1)[1]
    assert [s for s in sorted(suites) if s not in tests_entry] == []


def test_every_local_link_in_the_readme_and_docs_exists() -> None:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    broken = [
        f"{page.name}: {target}"
        for page in pages
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", page.read_text())
        if not (page.parent / target).exists()
    ]
    assert broken == []
