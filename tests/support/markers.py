"""Markers applied by what a test needs, so a run can leave out what needs a server or a tool
(``make check`` does): the suites that need one as a whole, the fixtures that start or reach one,
the database parameter of the sql and loads suites, and the modules that run a whole agent. The
markers are declared in pyproject.toml; a test marked by hand keeps its marker."""

from __future__ import annotations

import pytest

from tests.support.agents import running_agent
from tests.support.suite_timing import suite_of

BY_SUITE = {"e2e": "e2e", "browser": "browser", "terraform": "terraform", "packer": "packer"}
BY_FIXTURE = {
    "agent_processes": "e2e",
    "mariadb_database": "mysql",
    "postgres_schema": "postgres",
    "azurite": "azurite",
}
# the sql suite's ``database`` and the loads suite's ``target`` are parametrized by server
BY_SERVER = {"mariadb": "mysql", "postgres": "postgres"}


def needs(item: pytest.Item) -> set[str]:
    found = {marker for fixture, marker in BY_FIXTURE.items() if fixture in getattr(item, "fixturenames", ())}
    if getattr(getattr(item, "module", None), "running_agent", None) is running_agent:
        found.add("agent")  # a whole agent in the test's loop
    suite_marker = BY_SUITE.get(suite_of(item.nodeid))
    if suite_marker:
        found.add(suite_marker)
    callspec = getattr(item, "callspec", None)
    if callspec is not None:
        for name in ("database", "target"):
            server = BY_SERVER.get(str(callspec.params.get(name)))
            if server:
                found.add(server)
    return found


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for marker in needs(item):
            item.add_marker(marker)
