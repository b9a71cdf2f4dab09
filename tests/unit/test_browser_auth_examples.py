"""The catalog examples in docs/renderers.md's "Dashboards behind a login" are what the browser
renderer accepts: each TOML block there is parsed and its source (or auth) checked by the model
the renderer checks a report with."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from agent.renderers.browser.renderer import BrowserSource

DOC = Path(__file__).resolve().parents[2] / "docs" / "renderers.md"


def examples() -> list[str]:
    text = DOC.read_text()
    section = text[text.index("## Dashboards behind a login") : text.index("## The sql fast path")]
    return re.findall(r"```toml\n(.*?)```", section, re.S)


def sources(block: str) -> list[dict[str, Any]]:
    parsed = tomllib.loads(block)
    if "reports" not in parsed:  # a lone auth line, shown against a source above it
        return [{"url": "https://dashboards.example/d/1", **parsed}]
    return [report["source"] for report in parsed["reports"].values()]


def test_the_page_has_an_example_of_each_login_kind_it_documents() -> None:
    kinds = {source["auth"]["type"] for block in examples() for source in sources(block)}
    assert {"bearer", "form_login", "guest_token"} <= kinds


@pytest.mark.parametrize("block", examples())
def test_each_example_is_a_source_the_renderer_accepts(block: str) -> None:
    for source in sources(block):
        BrowserSource.model_validate(source)
