"""A browser report's URL as a job fills it: quoted values, the caller's scope, and the template's
origin kept; a value may not make a '.' or '..' path segment, and a template may not fill its
host. A QuickSight id filled from a param is checked again as a QuickSight id."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from agent.jobs.errors import InvalidRenderError
from agent.renderers.browser.page_url import page_url
from agent.renderers.spec import quicksight_id

TEMPLATE = "https://dash.example/d/{board}/view?region={scope:demo.sales}&q={q}"


def fill(**params: Any) -> str:
    return page_url(TEMPLATE, {"board": "sales", "q": "x", **params}, "r", {"demo.sales": "EMEA,AMER"})


def test_values_and_the_scope_are_quoted_into_the_template() -> None:
    assert fill(q="a b&c=d") == "https://dash.example/d/sales/view?region=EMEA%2CAMER&q=a%20b%26c%3Dd"


@pytest.mark.parametrize("board", ["..", "."])
def test_a_dot_segment_is_refused(board: str) -> None:
    with pytest.raises(InvalidRenderError, match="path segment"):
        fill(board=board)


@pytest.mark.parametrize(
    "board", ["../admin", "%2e%2e", "..%2f", "//evil.example", "@evil.example", "a/../b"]
)
def test_a_value_cannot_climb_or_leave_the_site(board: str) -> None:
    url = urlsplit(fill(board=board))
    assert url.netloc == "dash.example"
    assert url.path.split("/")[:3] == ["", "d", url.path.split("/")[2]] and url.path.endswith("/view")
    assert not {".", ".."} & set(url.path.split("/"))


def test_a_dot_in_a_query_value_is_only_text() -> None:
    assert fill(q="..").endswith("&q=..")


@pytest.mark.parametrize(
    "template",
    [
        "https://{host}/d",
        "https://dash.example:{port}/d",
        "{scheme}://dash.example/d",
        "https://{a}.example/",
    ],
)
def test_a_template_may_not_fill_its_origin(template: str) -> None:
    with pytest.raises(InvalidRenderError, match="scheme and host may not be filled"):
        page_url(template, {"host": "x", "port": "1", "scheme": "https", "a": "b"}, "r", {})


@pytest.mark.parametrize("value", ["../other", "a/b", "x y", "ünï", "a" * 513, ""])
def test_a_filled_quicksight_id_is_checked_again(value: str) -> None:
    with pytest.raises(InvalidRenderError, match="not a QuickSight id"):
        quicksight_id("{dashboard}", {"dashboard": value}, "r")
    assert quicksight_id("sales-{region}", {"region": "EMEA"}, "r") == "sales-EMEA"


def test_a_scope_in_the_path_may_not_be_a_dot_segment_either() -> None:
    with pytest.raises(InvalidRenderError, match=r"\['scope:demo.sales'\] may not be"):
        page_url("https://dash.example/{scope:demo.sales}/x", {}, "r", {"demo.sales": ".."})
