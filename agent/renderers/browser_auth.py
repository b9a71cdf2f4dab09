"""How a browser report authenticates, as its catalog source names it. Credentials live in Secrets
Manager (``secret``: an ARN or a name), never in the catalog:

- ``bearer``: ``Authorization: Bearer <token>`` (the secret's text, or its JSON field ``token``);
- ``basic``: ``Authorization: Basic …`` from the JSON fields ``username`` and ``password``;
- ``headers``: every field of the secret's JSON object as a header (a proxy's, an API key);
- ``cookies``: every field as a cookie, set before navigation.

Headers go only to the dashboard's own origin (scheme, host and port): each request is routed,
and one to any other origin (a CDN, a third-party script, a redirect off the origin) goes out as
the page made it. Cookies are the browser's: scoped to the dashboard's host.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Annotated, Literal
from urllib.parse import urlsplit

from playwright.async_api import BrowserContext, Request, Route
from pydantic import BaseModel, ConfigDict, Field

from agent.renderers.browser_secrets import BrowserSecrets


class _Auth(BaseModel):
    model_config = ConfigDict(extra="forbid")
    secret: str = Field(min_length=1, max_length=2048)


class BearerAuth(_Auth):
    type: Literal["bearer"]


class BasicAuth(_Auth):
    type: Literal["basic"]


class HeadersAuth(_Auth):
    type: Literal["headers"]


class CookiesAuth(_Auth):
    type: Literal["cookies"]


Auth = Annotated[BearerAuth | BasicAuth | HeadersAuth | CookiesAuth, Field(discriminator="type")]


@dataclass
class Credentials:
    """What a job sends: headers for its origin, cookies for its host."""

    origin: str
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)

    async def apply(self, context: BrowserContext, url: str) -> None:
        if self.cookies:
            await context.add_cookies([{"name": k, "value": v, "url": url} for k, v in self.cookies.items()])
        if self.headers:
            await context.route("**/*", self._route)

    async def _route(self, route: Route, request: Request) -> None:
        if origin_of(request.url) != self.origin:
            await route.continue_()
            return
        # Fetched here without following redirects: a header added to a request the browser
        # continues is sent again on a redirect to another origin. The browser follows the
        # redirect itself, as a new request that comes back through this route.
        response = await route.fetch(headers={**request.headers, **self.headers}, max_redirects=0)
        await route.fulfill(response=response)


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme, 0)
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port}"


async def credentials(auth: Auth | None, url: str, secrets: BrowserSecrets) -> Credentials:
    made = Credentials(origin_of(url))
    if auth is None:
        return made
    if isinstance(auth, BearerAuth):
        text = (await secrets.text(auth.secret)).strip()
        token = (await secrets.fields(auth.secret, "token"))["token"] if text.startswith("{") else text
        made.headers["Authorization"] = f"Bearer {token}"
    elif isinstance(auth, BasicAuth):
        found = await secrets.fields(auth.secret, "username", "password")
        pair = f"{found['username']}:{found['password']}".encode()
        made.headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
    elif isinstance(auth, HeadersAuth):
        made.headers.update(await secrets.fields(auth.secret))
    else:
        made.cookies.update(await secrets.fields(auth.secret))
    return made
