"""How a browser report authenticates, as its catalog source names it. Credentials live in Secrets
Manager (``secret``: an ARN or a name), never in the catalog:

- ``bearer``: ``Authorization: Bearer <token>`` (the secret's text, or its JSON field ``token``);
- ``basic``: ``Authorization: Basic …`` from the JSON fields ``username`` and ``password``;
- ``headers``: every field of the secret's JSON object as a header (a proxy's, an API key);
- ``cookies``: every field as a cookie, set before navigation;
- ``form_login``: the dashboard's own login form, the session kept per agent (``browser_login``);
- ``guest_token``: a token the dashboard's API hands out, fetched for each job and passed as a
  header, a cookie or a URL parameter (``browser_guest_token``).

Headers go only to the dashboard's own origin (scheme, host and port): each request is routed,
and one to any other origin (a CDN, a third-party script, a redirect off the origin) goes out as
the page made it. Cookies are the browser's: scoped to the dashboard's host.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Annotated, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from playwright.async_api import BrowserContext, Request, Route
from pydantic import BaseModel, ConfigDict, Field

from agent.renderers.browser.guest_token import GuestTokenAuth, guest_token
from agent.renderers.browser.login import FormLoginAuth
from agent.renderers.browser.secrets import BrowserSecrets, SecretId


class _Auth(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    secret: SecretId


class BearerAuth(_Auth):
    type: Literal["bearer"]


class BasicAuth(_Auth):
    type: Literal["basic"]


class HeadersAuth(_Auth):
    type: Literal["headers"]


class CookiesAuth(_Auth):
    type: Literal["cookies"]


Auth = Annotated[
    BearerAuth | BasicAuth | HeadersAuth | CookiesAuth | FormLoginAuth | GuestTokenAuth,
    Field(discriminator="type"),
]


@dataclass
class Credentials:
    """What a job sends: headers for its origin, cookies for its host, and a guest token fetched
    in the job's context."""

    origin: str
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    guest: GuestTokenAuth | None = None
    guest_fields: dict[str, str] = field(default_factory=dict)

    async def apply(self, context: BrowserContext, url: str, timeout_ms: float) -> str:
        """Set the context up; the URL to open (with the guest token, if it goes in the URL)."""
        if self.guest is not None:
            token = await guest_token(self.guest, self.guest_fields, context.request, timeout_ms)
            url = self._inject(self.guest, self.guest.inject.prefix + token, url)
        if self.cookies:
            await context.add_cookies([{"name": k, "value": v, "url": url} for k, v in self.cookies.items()])
        if self.headers:
            await context.route("**/*", self._route)
        return url

    def _inject(self, guest: GuestTokenAuth, token: str, url: str) -> str:
        if guest.inject.header is not None:
            self.headers[guest.inject.header] = token
        elif guest.inject.cookie is not None:
            self.cookies[guest.inject.cookie] = token
        else:
            parts = urlsplit(url)
            query = [*parse_qsl(parts.query, keep_blank_values=True), (str(guest.inject.query), token)]
            url = urlunsplit(parts._replace(query=urlencode(query)))
        return url

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
    elif isinstance(auth, CookiesAuth):
        made.cookies.update(await secrets.fields(auth.secret))
    elif isinstance(auth, GuestTokenAuth):
        made.guest, made.guest_fields = auth, await secrets.fields(auth.secret)
    # form_login: the session comes with the context (browser_login.LoginSessions)
    return made
