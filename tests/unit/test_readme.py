"""The README stays a short guide that is true: at most 250 lines (reference lives in docs/), its
layout page lists every top-level and second-level directory and every tests/ suite there is (and
nothing that is gone), every page it links exists, and every make target it names is one."""

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


def entries() -> dict[str, str]:
    """Each top-level directory's entry in the layout: its name -> its text."""
    parts = re.split(r"^([a-z_]+)/ ", layout(), flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_the_layout_names_every_second_level_directory_in_its_entry() -> None:
    found = {tuple(p.split("/")[:2]) for p in tracked() if p.count("/") >= 2 and not p.startswith(".")}
    listed = entries()
    missing = [
        f"{top}/{second}/"
        for top, second in sorted(found)
        if top in listed and not re.search(rf"(?<![\w.-]){re.escape(second)}/", listed[top])
    ]
    assert missing == []


def test_every_make_target_the_readme_and_docs_name_exists() -> None:
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][\w-]*):", makefile, re.M))
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    named = set()
    for page in pages:
        text = page.read_text()
        blocks = "\n".join(text.split("```")[1::2])  # what a reader copies from a fenced block
        inline = re.findall(r"`make ([a-z][\w-]*)", text)
        named |= {(page.name, t) for t in inline + re.findall(r"^\s*make ([a-z][\w-]*)", blocks, re.M)}
    assert sorted(f"{page}: make {target}" for page, target in named if target not in targets) == []


def test_the_readmes_headline_figures_are_the_benchmarks_pages() -> None:
    benchmarks = (ROOT / "docs" / "benchmarks.md").read_text()
    section = README.split("## Benchmarks", 1)[1].split("\n## ", 1)[0]
    headline = re.findall(
        r"^\| `(\w+)` \| ([^|]+) \| \*\*([\d.]+)\*\* \| ([\d.]+\u2013[\d.]+) \|$", section, re.M
    )
    assert len(headline) >= 3
    for field, target, latest, spread in headline:
        row = re.search(rf"^\| `{field}` \|[^\n]*$", benchmarks, re.M)
        assert row is not None, f"{field} is not in docs/benchmarks.md"
        assert f"| {target.strip()} |" in row[0] and f"**{latest}**" in row[0], f"{field} differs"
        assert f"spread {spread}" in row[0], f"{field}'s spread differs"
