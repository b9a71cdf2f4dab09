"""Where the system's Chromium is, without importing Playwright (an agent without one never pays for it)."""

from __future__ import annotations

import shutil

CANDIDATES = ("chromium", "chromium-browser", "google-chrome-stable", "google-chrome")


def find_chromium(configured: str | None) -> str | None:
    if configured:
        return configured
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None
