"""Chromium processes under a given process, read from /proc (for the bench and the browser tests)."""

from __future__ import annotations

from pathlib import Path


def _stat_fields(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def descends(pid: int, root: int) -> bool:
    for _ in range(12):
        try:
            pid = int(_stat_fields(pid)[1])
        except (OSError, ValueError, IndexError):
            return False
        if pid == root:
            return True
        if pid <= 1:
            return False
    return False


def chromium_pids(root: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ours = b"chrom" in (entry / "cmdline").read_bytes() and descends(int(entry.name), root)
        except OSError:
            continue
        if ours:
            found.append(int(entry.name))
    return found


def zombie_children(root: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = _stat_fields(int(entry.name))
        except (OSError, IndexError):
            continue
        if fields[0] == "Z" and int(fields[1]) == root:
            found.append(int(entry.name))
    return found


def pss_mb(pids: list[int]) -> float:
    """Proportional set size: pages shared between processes are split between them, not counted in each."""
    total = 0
    for pid in pids:
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        total += sum(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:"))
    return total / 1024
