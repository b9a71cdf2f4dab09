"""A browser report's URL template filled for one job: each ``{param}`` and ``{scope:<table>}``
URL-quoted, and the result held to the template: the same origin (scheme, host and port, which a
template may not fill), and no value that is a ``.`` or ``..`` path segment, which a browser would
resolve to another path of the site."""

from __future__ import annotations

from string import Formatter
from typing import Any
from urllib.parse import quote, urlsplit

from agent.jobs.errors import InvalidRenderError
from agent.renderers.spec import fill

DOT_SEGMENTS = (".", "..")


def page_url(template: str, params: dict[str, Any], report: str, scopes: dict[str, str]) -> str:
    origin = urlsplit(template)
    if origin.scheme not in ("http", "https") or not origin.netloc or "{" in origin.netloc:
        raise InvalidRenderError(
            f"report {report!r}: the url's scheme and host may not be filled from params"
        )
    in_path = _path_values(origin.path, params, scopes)
    dots = sorted(name for name, value in in_path.items() if str(value) in DOT_SEGMENTS)
    if dots:
        raise InvalidRenderError(f"report {report!r}: {dots} may not be a '.' or '..' path segment")
    url = fill(template, params, report, lambda v: quote(v, safe=""), scopes)
    filled = urlsplit(url)
    if (filled.scheme, filled.netloc) != (origin.scheme, origin.netloc):
        raise InvalidRenderError(f"report {report!r}: the filled url left the template's origin")
    return url


def _path_values(path: str, params: dict[str, Any], scopes: dict[str, str]) -> dict[str, Any]:
    """What fills each placeholder of the template's path, by placeholder."""
    found: dict[str, Any] = {}
    for _, field, spec, _ in Formatter().parse(path):
        if field == "scope" and spec:
            found[f"scope:{spec}"] = scopes.get(spec)
        elif field:
            found[field] = params.get(field)
    return found
