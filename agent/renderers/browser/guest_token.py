"""``guest_token``: a dashboard that takes a short-lived token its own API hands out (Superset's
guest tokens, a token service in front of an internal app). Before each job the agent asks
``token_url`` for a token, in the job's own browser context (so any cookie the API sets stays
in that context), finds it at ``token_path`` in the JSON answer, and hands it to the dashboard
as a header, a cookie or a URL parameter (``inject``).

The token request carries the secret's JSON fields as headers, or, with ``login``, a bearer
token got first by posting the secret's fields (plus ``login.body``) to ``login.url``. With
``csrf``, a CSRF token is read first (with that bearer token, in the same context, so its session
cookie goes along) and sent as ``csrf.header``. Together: Superset's ``/api/v1/security/login``,
``/api/v1/security/csrf_token/``, then ``/api/v1/security/guest_token/``.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from playwright.async_api import APIRequestContext
from pydantic import BaseModel, ConfigDict, Field, model_validator

from agent.causes import hide
from agent.jobs.errors import InvalidRenderError, TransientRenderError
from agent.renderers.browser.secrets import SecretId
from agent.renderers.spec import WebUrl


class TokenLogin(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    url: WebUrl
    body: dict[str, Any] = Field(default_factory=dict)
    token_path: str = Field(default="access_token", min_length=1)


class CsrfStep(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    url: WebUrl
    token_path: str = Field(default="result", min_length=1)
    header: str = Field(default="X-CSRFToken", min_length=1, max_length=256)


class Inject(BaseModel):
    """Where the dashboard reads the token: exactly one of a header, a cookie, a URL parameter."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    header: str | None = Field(default=None, min_length=1, max_length=256)
    cookie: str | None = Field(default=None, min_length=1, max_length=256)
    query: str | None = Field(default=None, min_length=1, max_length=256)
    prefix: str = Field(default="", max_length=64)

    @model_validator(mode="after")
    def _one_place(self) -> Inject:
        if sum(place is not None for place in (self.header, self.cookie, self.query)) != 1:
            raise ValueError("inject names exactly one of header, cookie or query")
        return self


class GuestTokenAuth(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    type: Literal["guest_token"]
    secret: SecretId
    token_url: WebUrl
    method: Literal["GET", "POST"] = "POST"
    body: dict[str, Any] | None = None
    token_path: str = Field(default="token", min_length=1)
    login: TokenLogin | None = None
    csrf: CsrfStep | None = None
    inject: Inject


async def guest_token(
    auth: GuestTokenAuth, fields: dict[str, str], request: APIRequestContext, timeout_ms: float
) -> str:
    headers = dict(fields)
    if auth.login is not None:
        login = auth.login
        sign_in = {**login.body, **fields}
        bearer = await _token_from(request, login.url, "POST", sign_in, {}, login.token_path, timeout_ms)
        headers = {"Authorization": f"Bearer {bearer}"}
    if auth.csrf is not None:
        csrf = auth.csrf
        headers[csrf.header] = await _token_from(
            request, csrf.url, "GET", None, headers, csrf.token_path, timeout_ms
        )
    return await _token_from(
        request, auth.token_url, auth.method, auth.body, headers, auth.token_path, timeout_ms
    )


async def _token_from(
    request: APIRequestContext,
    url: str,
    method: str,
    body: dict[str, Any] | None,
    headers: dict[str, str],
    path: str,
    timeout_ms: float,
) -> str:
    response = await request.fetch(
        url, method=method, data=body, headers=headers, timeout=timeout_ms, max_redirects=0
    )
    if response.status >= 300:
        error = TransientRenderError if response.status >= 500 else InvalidRenderError
        raise error(f"token endpoint {url} answered HTTP {response.status}")
    try:
        found: Any = json.loads(await response.body())
        for step in path.split("."):
            found = found[int(step)] if isinstance(found, list) else found[step]
    except (ValueError, KeyError, IndexError, TypeError):
        raise InvalidRenderError(f"token endpoint {url} answered no token at {path}") from None
    if not isinstance(found, str) or not found:
        raise InvalidRenderError(f"token endpoint {url} answered no token at {path}")
    hide(found)
    return found
