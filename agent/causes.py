"""What a failure's cause may say. A cause reaches the metadata item, the API's answer and the
"Snapshot Failed" event, so anyone who may read the snapshot reads it: it must name what went
wrong, never a credential or where the agent's systems are.

``scrub`` runs where every cause is made (``JobError``). It removes:

- from every URL its user name, password, host, port, query string and fragment (embed codes,
  guest tokens and signatures travel in query strings): ``https://<host>/sales``; an ``s3://``
  URI keeps its bucket, the platform's own (where a load's rejects are, say);
- IPv4 and bracketed IPv6 addresses, and the host a driver names (``server on 'db.internal'``,
  ``server at "db"``, ``host db.example.com``);
- the user a driver names (``user "reader"``, ``'reader'@'host'``);
- ``password=``, ``token=`` and similar key-value pairs;
- every text the agent was told is sensitive (``hide``): its datasources' hosts and passwords,
  the secrets it read, the tokens it was given.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

HIDDEN = "<hidden>"
HOST = "<host>"
MIN_SENSITIVE = 4  # shorter texts ("db", "x") would blank ordinary words
_sensitive: set[str] = set()

URL = re.compile(r"\b([a-zA-Z][a-zA-Z0-9+.-]{0,30})://([^\s'\"<>`]+)")
IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
IPV6 = re.compile(r"\[[0-9a-fA-F:]{2,}\]")
# A host a driver names: quoted after "server on" / "server at" / "host", or bare after "host".
QUOTED_HOST = re.compile(r"\b((?:server|host(?: ?name)?)(?: on| at)? )(['\"])[^'\"]+\2", re.IGNORECASE)
BARE_HOST = re.compile(r"\b(host )[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+", re.IGNORECASE)
# A user a driver names: user "x", for user 'x', MySQL's 'x'@'host'.
QUOTED_USER = re.compile(r"\b((?:user(?:name)?|role) )(['\"])[^'\"]+\2", re.IGNORECASE)
MYSQL_ACCOUNT = re.compile(r"'[^']*'@'[^']*'")
KEY_VALUE = re.compile(
    r"\b(password|passwd|pwd|secret|token|api[_-]?key|signature|credential|user(?:name)?)"
    r"(\s*[=:]\s*)(['\"]?)[^\s'\",;&]+\3",
    re.IGNORECASE,
)


def hide(*texts: str | None) -> None:
    """Never let these texts reach a cause (a secret's value: each of its fields if JSON)."""
    for text in texts:
        if not text or len(text) < MIN_SENSITIVE:
            continue
        _sensitive.add(text)
        try:
            fields = json.loads(text)
        except ValueError:
            continue
        if isinstance(fields, dict):
            hide(*(v for v in fields.values() if isinstance(v, str)))


def hide_url(url: str) -> None:
    """A connection URL's host and password. Its user name (often a word such as "postgres" or
    "root") is removed where a driver names it, not wherever the word appears."""
    try:
        parts = urlsplit(url)
        hide(parts.hostname, parts.password)
    except ValueError:
        hide(url)


def scrub(cause: str) -> str:
    for text in sorted(_sensitive, key=len, reverse=True):
        cause = cause.replace(text, HIDDEN)
    cause = URL.sub(_bare_url, cause)
    cause = KEY_VALUE.sub(lambda m: f"{m.group(1)}{m.group(2)}{HIDDEN}", cause)
    cause = QUOTED_HOST.sub(lambda m: f"{m.group(1)}{m.group(2)}{HOST}{m.group(2)}", cause)
    cause = BARE_HOST.sub(lambda m: f"{m.group(1)}{HOST}", cause)
    cause = QUOTED_USER.sub(lambda m: f"{m.group(1)}{m.group(2)}{HIDDEN}{m.group(2)}", cause)
    cause = MYSQL_ACCOUNT.sub(f"'{HIDDEN}'@'{HOST}'", cause)
    cause = IPV6.sub(HOST, cause)
    return IPV4.sub(HOST, cause)


def _bare_url(match: re.Match[str]) -> str:
    scheme, rest = match.group(1), match.group(2)
    path = rest.split("?", 1)[0].split("#", 1)[0]
    if scheme == "s3":  # the platform's own object (rejects, say): its bucket is no host
        return f"s3://{path}"
    after_host = path.split("/", 1)[1] if "/" in path else ""
    return f"{scheme}://{HOST}/{after_host}" if after_host else f"{scheme}://{HOST}"
