"""``make bench`` (reports part): ``migrate reports`` on a generated Power BI project of
``PAGES`` pages by ``VISUALS`` visuals (the sandbox's model; its visuals, every type it has, copied
round the pages), against reading and parsing the same files as JSON and nothing more, in
``ROUNDS`` interleaved pairs. ``reports_convert_ratio`` is ours ÷ that floor (the median pair, with
the spread): what reading the model, converting, validating against botocore's model and writing
cost beyond the parse."""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.pairs import PAIRS, of_seconds
from bench.section import Progress, run_alone
from migrate.reports.convert.datasets import Target
from migrate.reports.run import migrate_report

ROOT = Path(__file__).resolve().parent.parent
SANDBOX = ROOT / "sandbox" / "powerbi"
PAGES, VISUALS, ROUNDS = 20, 30, PAIRS  # converted and parsed once a round: a pair
TARGET = Target(
    "111122223333", "eu-west-1", "arn:aws:quicksight:eu-west-1:111122223333:datasource/r", "reporting"
)


def generate(folder: Path, pages: int, visuals: int) -> Path:
    """A PBIP project: the sandbox's model, ``pages`` pages of ``visuals`` visuals each."""
    shutil.copytree(SANDBOX / "Sales.SemanticModel", folder / "Big.SemanticModel")
    report = folder / "Big.Report"
    (report / "definition" / "pages").mkdir(parents=True)
    (report / "definition.pbir").write_text(
        json.dumps({"datasetReference": {"byPath": {"path": "../Big.SemanticModel"}}})
    )
    shapes = sorted((SANDBOX / "Sales.Report" / "definition" / "pages").glob("*/visuals/*/visual.json"))
    names = [f"page{n:02d}" for n in range(pages)]
    (report / "definition" / "pages" / "pages.json").write_text(json.dumps({"pageOrder": names}))
    for p, page in enumerate(names):
        base = report / "definition" / "pages" / page
        (base / "visuals").mkdir(parents=True)
        (base / "page.json").write_text(json.dumps({"name": page, "displayName": f"Page {p}"}))
        for v in range(visuals):
            found = json.loads(shapes[(p * visuals + v) % len(shapes)].read_text())
            found["name"] = f"v{v:02d}"
            found["position"] = {"x": (v % 6) * 210, "y": (v // 6) * 150, "z": 0, "width": 200, "height": 140}
            (base / "visuals" / f"v{v:02d}").mkdir()
            (base / "visuals" / f"v{v:02d}" / "visual.json").write_text(json.dumps(found))
    (folder / "Big.pbip").write_text(
        json.dumps({"version": "1.0", "artifacts": [{"report": {"path": "Big.Report"}}]})
    )
    return folder / "Big.pbip"


def parse_only(folder: Path) -> float:
    started = time.perf_counter()
    for path in folder.rglob("*"):
        if path.suffix in (".json", ".pbir", ".pbip"):
            json.loads(path.read_bytes())
        elif path.suffix == ".tmdl":
            path.read_text()
    return time.perf_counter() - started


def convert_all(pbip: Path, out: Path) -> tuple[float, str]:
    started = time.perf_counter()
    written = migrate_report(pbip, out, TARGET)
    return time.perf_counter() - started, written.coverage


def measure(progress: Progress, pages: int = PAGES, visuals: int = VISUALS) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        pbip = generate(Path(tmp) / "project", pages, visuals)
        progress(f"reports: {pages} pages x {visuals} visuals, converted and parsed in turn, {ROUNDS} rounds")
        ours, floor, coverage = [], [], ""
        for n in range(ROUNDS):
            seconds, coverage = convert_all(pbip, Path(tmp) / f"out{n}")
            ours.append(seconds)
            floor.append(parse_only(pbip.parent))
    return {
        "pages": pages,
        "visuals": pages * visuals,
        "ours_s": ours,
        "parse_s": floor,
        "coverage": coverage,
    }


def summarise(raw: dict[str, Any]) -> dict[str, Any]:
    best = min(raw["ours_s"])
    return {
        "reports_convert_seconds": round(best, 3),
        "reports_visuals_per_s": round(raw["visuals"] / best, 1),
        **{
            name: [round(v, 1) for v in value] if isinstance(value, list) else round(value, 1)
            for name, value in of_seconds(raw["ours_s"], raw["parse_s"])
            .figures("reports_convert_ratio")
            .items()
        },
        "reports_coverage": raw["coverage"],
    }


def main() -> int:
    """``python -m bench.reports``: this part alone, its figures printed (out/bench.json untouched)."""
    return run_alone(measure, summarise)


if __name__ == "__main__":
    sys.exit(main())
