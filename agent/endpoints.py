"""Let botocore's endpoint cache hit for every object key.

botocore resolves each request's endpoint from the service's rule set and caches the answer,
keyed on every rule-set parameter the call fills. S3's rule set declares ``Key``, ``Prefix`` and
``CopySource`` as parameters yet no rule reads them, so every new object key missed the cache
and re-ran the whole S3 rule set (a fifth of a PutObject's CPU). Dropping the parameters that no
rule reads cannot change an answer; it only lets the cache work.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from typing import Any

from botocore.loaders import Loader, create_loader

log = logging.getLogger(__name__)


def unused_parameters(ruleset: dict[str, Any]) -> frozenset[str]:
    """Parameters that no rule references, neither as ``{"ref": name}`` nor in a ``{name}`` template."""
    rules = json.dumps(ruleset["rules"])
    return frozenset(
        name
        for name in ruleset["parameters"]
        if f'"ref": "{name}"' not in rules and not re.search(r"\{" + re.escape(name) + r"[}#]", rules)
    )


class _DropUnused:
    """Stands in for a client's EndpointProvider and forwards to it without the unused parameters."""

    def __init__(self, provider: Any, unused: frozenset[str]) -> None:
        self._provider = provider
        self._unused = unused

    def resolve_endpoint(self, **params: Any) -> Any:
        for name in self._unused:
            params.pop(name, None)
        return self._provider.resolve_endpoint(**params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._provider, name)


def share_endpoint_cache(client: Any) -> bool:
    """Install the forwarding provider on ``client``; False (and nothing changed) where the
    client has no rule set, or botocore's internals are not the ones this was written for."""
    resolver: Any = getattr(client, "_ruleset_resolver", None)
    provider = getattr(resolver, "_provider", None)
    if not hasattr(provider, "resolve_endpoint") or isinstance(provider, _DropUnused):
        return False
    model = client.meta.service_model
    ruleset = _loader().load_service_model(model.service_name, "endpoint-rule-set-1", model.api_version)
    unused = unused_parameters(ruleset)
    if not unused:
        return False
    resolver._provider = _DropUnused(provider, unused)
    log.debug("%s endpoints cached without %s", model.service_name, sorted(unused))
    return True


@functools.cache
def _loader() -> Loader:
    return create_loader()
