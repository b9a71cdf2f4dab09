"""The README stays a map that is true: its Layout lists every top-level directory and every
tests/ suite there is (and nothing that is gone), and every page it links exists."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def tracked() -> list[str]:
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
    return listed.stdout.splitlines()


def layout() -> str:
    section = README.split("## Layout", 1)[1].split("\n## ", 1)[0]
    return section.split("```", 2)[1]


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
