"""A failure's cause names what went wrong and nothing a reader of the snapshot may not see: no
URL's query string, host or user, no address, no password or token, no text the agent holds as
sensitive. Each renderer's own failures are checked in its suite (sql, browser, quicksight)."""

from __future__ import annotations

import pytest

from agent.causes import hide, hide_url, scrub
from agent.jobs.errors import InvalidRenderError, TransientRenderError


@pytest.mark.parametrize(
    ("cause", "kept", "gone"),
    [
        (
            "https://dash.example.com:8443/d/sales?embed=abc123&token=t0k3n#frag answered HTTP 404",
            ["https://<host>/d/sales answered HTTP 404"],
            ["dash.example.com", "abc123", "t0k3n", "8443", "frag"],
        ),
        (
            "cannot connect: mysql+aiomysql://reader:pa55w0rd@db.internal:3306/reporting refused",
            ["mysql+aiomysql://<host>/reporting"],
            ["reader", "pa55w0rd", "db.internal"],
        ),
        (
            "(2003, \"Can't connect to MySQL server on 'db.corp.example' ([Errno 111] Connection refused)\")",
            ["server on '<host>'", "Connection refused"],
            ["db.corp.example"],
        ),
        (
            'connection to server at "pg.internal" (10.1.2.3), port 5432 failed:'
            " password authentication failed",
            ['server at "<host>"', "port 5432", "password authentication failed"],
            ["pg.internal", "10.1.2.3"],
        ),
        (
            "Cannot connect to host grafana.corp.example:443 ssl:default",
            ["host <host>:443"],
            ["grafana.corp"],
        ),
        ("connect to [fd00::1]:5432 failed", ["<host>:5432"], ["fd00::1"]),
        ("login failed: password=hunter22; api_key=AKIA123", ["password=<hidden>"], ["hunter22", "AKIA123"]),
        (
            "(1045, \"Access denied for user 'reader'@'10.0.0.9' (using password: YES)\")",
            ["Access denied for user '<hidden>'@'<host>'"],
            ["reader", "10.0.0.9"],
        ),
        (
            'FATAL: password authentication failed for user "report_ro"',
            ['for user "<hidden>"'],
            ["report_ro"],
        ),
        ("query failed: no such table: inventory", ["no such table: inventory"], []),
        (
            "All: s3://landing-bucket/_rejects/sales/ld-1.jsonl?x=1",
            ["s3://landing-bucket/_rejects/sales/ld-1.jsonl"],
            ["x=1"],
        ),
        ("Table 'test.sales' doesn't exist", ["Table 'test.sales' doesn't exist"], []),
    ],
)
def test_a_cause_keeps_what_went_wrong_and_loses_what_it_must_not_show(
    cause: str, kept: list[str], gone: list[str]
) -> None:
    scrubbed = scrub(cause)
    assert all(k in scrubbed for k in kept), scrubbed
    assert not any(g in scrubbed for g in gone), scrubbed


def test_texts_the_agent_holds_as_sensitive_never_reach_a_cause() -> None:
    hide('{"username": "svc-snapshots", "password": "correct horse battery"}', "eyJhbGciOi.guest.token")
    hide_url("postgresql+psycopg://report_ro:V3ry-s3cret@reporting.cluster-xyz.rds.amazonaws.com/db")
    error = TransientRenderError(
        "login as svc-snapshots with correct horse battery failed; token eyJhbGciOi.guest.token;"
        " report_ro at reporting.cluster-xyz.rds.amazonaws.com said V3ry-s3cret is wrong"
    )
    for secret in ("svc-snapshots", "correct horse", "eyJhbGciOi", "reporting.cluster", "V3ry"):
        assert secret not in error.cause and secret not in str(error)


def test_every_render_error_is_scrubbed_where_it_is_made() -> None:
    assert (
        InvalidRenderError("https://x.example/?t=1 answered HTTP 403").cause
        == "https://<host> answered HTTP 403"
    )
