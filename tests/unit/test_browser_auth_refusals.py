"""A browser report whose auth block cannot work is refused before any page opens, with the
field and the reason (``Render.Invalid``)."""

from __future__ import annotations

from typing import Any

import pytest

from agent.jobs.errors import InvalidRenderError
from agent.renderers.browser.renderer import BrowserSource
from agent.renderers.spec import parse_source
from tests.browser.conftest import browser_report

TOKEN_URL = "https://dash.example/api/token"


@pytest.mark.parametrize(
    ("auth", "cause"),
    [
        ({"type": "form_login", "secret": "s"}, "login_url"),
        ({"type": "form_login", "secret": "s", "login_url": "javascript:alert(1)"}, "http or https"),
        (
            {"type": "form_login", "secret": "s", "login_url": "https://d/login", "logged_in": "load"},
            "logged_in",
        ),
        (
            {"type": "form_login", "secret": "s", "login_url": "https://d/login", "logged_in": "soon"},
            "wait_for",
        ),
        ({"type": "guest_token", "secret": "s", "token_url": TOKEN_URL}, "inject"),
        ({"type": "guest_token", "secret": "s", "token_url": TOKEN_URL, "inject": {}}, "exactly one"),
        (
            {
                "type": "guest_token",
                "secret": "s",
                "token_url": TOKEN_URL,
                "inject": {"header": "a", "query": "b"},
            },
            "exactly one",
        ),
        (
            {
                "type": "guest_token",
                "secret": "s",
                "token_url": "file:///etc/passwd",
                "inject": {"query": "t"},
            },
            "http",
        ),
        (
            {
                "type": "guest_token",
                "secret": "s",
                "token_url": TOKEN_URL,
                "method": "PUT",
                "inject": {"query": "t"},
            },
            "method",
        ),
        ({"type": "bearer", "secret": ""}, "secret"),
        ({"type": "bearer", "secret": "s", "login_url": "https://d/login"}, "login_url"),
    ],
)
def test_an_unusable_auth_block_is_refused_with_its_reason(auth: dict[str, Any], cause: str) -> None:
    report = browser_report({"url": "https://dash.example/d/1", "auth": auth}, ["pdf"])
    with pytest.raises(InvalidRenderError, match=cause) as raised:
        parse_source(BrowserSource, report)
    assert "source.auth" in str(raised.value)
