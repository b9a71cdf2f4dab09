"""A Plotly Dash dashboard behind a login, run by the browser tests in its own environment
(``.tools/dash``, from ``tools/dash.txt``): ``python dash_dashboard.py`` prints its port, then
serves on 127.0.0.1 until killed.

Its chart loads after the page: Dash fetches the layout, then runs the callback, which reads the
data slowly (``DASH_DATA_DELAY`` seconds) behind a spinner. It signs users in the ways the
renderer supports:

- a login form at ``/login`` (``viewer`` / ``DASH_PASSWORD``) that starts a server-side session;
- Superset's guest token flow: ``POST /api/v1/security/login`` (JSON user and password) gives an
  access token; ``GET /api/v1/security/csrf_token/`` with it gives a CSRF token bound to the
  session cookie it sets; ``POST /api/v1/security/guest_token/`` with both (and the cookie) gives
  a guest token. Or the guest token straight from ``POST /api/guest_token`` with
  ``X-Service-Key: DASH_SERVICE_KEY``;
- a guest token as the ``X-GuestToken`` header, the ``guest_token`` cookie, or ``?token=`` (which
  starts a session, as embed links do).

``/_test/state`` counts logins; ``/_test/expire`` ends every session; ``/_test/sessions/single``
makes each new session good for one dashboard load only (a session that never holds).
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import time
from typing import Any

import plotly.graph_objects as go
from dash import Dash, Input, Output, dcc, html
from flask import Response, redirect, request, session
from werkzeug.serving import make_server

PASSWORD = os.environ["DASH_PASSWORD"]
SERVICE_KEY = os.environ["DASH_SERVICE_KEY"]
DATA_DELAY = float(os.environ.get("DASH_DATA_DELAY", "1.0"))
REVENUE = {"EMEA": 120, "AMER": 340, "APAC": 95, "LATAM": 60}

app = Dash(__name__, title="Revenue")
server = app.server
server.secret_key = secrets.token_hex(16)

live: dict[str, int | None] = {}  # session id -> dashboard loads left (None: unlimited)
access_tokens: set[str] = set()
guest_tokens: set[str] = set()
state: dict[str, Any] = {"logins": 0, "single": False}
OPEN = ("/login", "/api/v1/security/", "/api/guest_token", "/_test/")

FORM = """<!doctype html><title>Sign in</title><form method="post">{message}
<label>User <input name="username"></label> <label>Password <input name="password" type="password"></label>
<button type="submit">Sign in</button></form>"""


def start_session() -> None:
    sid = secrets.token_hex(16)
    live[sid] = 1 if state["single"] else None
    session["sid"] = sid


def signed_in() -> bool:
    sid = session.get("sid")
    if sid not in live:
        return False
    if request.path == "/":
        left = live[sid]
        if left is not None:
            if left == 0:
                return False
            live[sid] = left - 1
    return True


@server.before_request
def authenticate() -> Any:
    if request.path.startswith(OPEN):
        return None
    token = request.args.get("token")
    if token in guest_tokens:
        start_session()
        return None
    if (
        request.headers.get("X-GuestToken") in guest_tokens
        or request.cookies.get("guest_token") in guest_tokens
    ):
        return None
    if signed_in():
        return None
    if request.path == "/":
        return redirect(f"/login?next={request.path}")
    return Response("sign in first", status=401)


@server.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if request.method == "GET":
        return FORM.format(message="")
    if request.form.get("username") == "viewer" and request.form.get("password") == PASSWORD:
        state["logins"] += 1
        start_session()
        return redirect(request.args.get("next") or "/")
    return FORM.format(message="<p class=error>Wrong username or password</p>")


@server.post("/api/v1/security/login")
def api_login() -> Any:
    body = request.get_json(silent=True) or {}
    if body.get("username") != "viewer" or body.get("password") != PASSWORD or body.get("provider") != "db":
        return Response('{"message": "Not authorized"}', status=401, mimetype="application/json")
    token = secrets.token_hex(16)
    access_tokens.add(token)
    return {"access_token": token}


def bearer_known() -> bool:
    return request.headers.get("Authorization", "").removeprefix("Bearer ") in access_tokens


@server.get("/api/v1/security/csrf_token/")
def csrf_token() -> Any:
    if not bearer_known():
        return Response('{"msg": "Missing Authorization Header"}', status=401, mimetype="application/json")
    session["csrf"] = secrets.token_hex(16)
    return {"result": session["csrf"]}


@server.post("/api/v1/security/guest_token/")
def superset_guest_token() -> Any:
    if not bearer_known():
        return Response('{"msg": "Missing Authorization Header"}', status=401, mimetype="application/json")
    if not session.get("csrf") or request.headers.get("X-CSRFToken") != session["csrf"]:
        return Response("400 Bad Request: The CSRF token is missing.", status=400)
    return issue_guest_token()


@server.post("/api/guest_token")
def service_guest_token() -> Any:
    if request.headers.get("X-Service-Key") != SERVICE_KEY:
        return Response("no", status=403)
    return {"data": issue_guest_token()}


def issue_guest_token() -> dict[str, str]:
    body = request.get_json(silent=True) or {}
    if body.get("resources") != [{"type": "dashboard", "id": "revenue"}]:
        raise ValueError(f"unexpected guest token request {json.dumps(body)}")
    token = secrets.token_hex(16)
    guest_tokens.add(token)
    return {"token": token}


@server.get("/_test/state")
def report_state() -> Any:
    return {"logins": state["logins"], "sessions": len(live)}


@server.post("/_test/expire")
def expire_sessions() -> Any:
    live.clear()
    return {"expired": True}


@server.post("/_test/sessions/single")
def single_use_sessions() -> Any:
    state["single"] = True
    return {"single": True}


def layout() -> Any:
    return html.Div(
        [
            html.H1("Revenue by region"),
            html.P("loading data", id="status", className="pending"),
            dcc.Loading(dcc.Graph(id="chart"), id="loading"),
            dcc.Store(id="ask", data="all"),
        ]
    )


app.layout = layout


@app.callback(
    Output("chart", "figure"),
    Output("status", "children"),
    Output("status", "className"),
    Input("ask", "data"),
)
def load(_: str) -> Any:
    time.sleep(DATA_DELAY)  # the warehouse is slow: the page has long finished loading
    figure = go.Figure(go.Bar(x=list(REVENUE), y=list(REVENUE.values())))
    figure.update_layout(title=f"Revenue total {sum(REVENUE.values())}", transition={"duration": 0})
    return figure, f"data loaded: {len(REVENUE)} regions", "ready"


if __name__ == "__main__":
    http = make_server("127.0.0.1", 0, server, threaded=True)
    print(http.server_port, flush=True)
    sys.stdout.close()
    http.serve_forever()
