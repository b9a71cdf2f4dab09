"""One platform and its API, served from a thread, for the tests that drive the API with a
blocking client (Schemathesis, the ``snapshot`` CLI)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from sandbox.api_gateway import make_app
from sandbox.data_platform import remove_event_streams
from sandbox.moto_server import MotoSandbox
from sandbox.platform import Platform, create_platform
from sandbox.runtime import make_functions
from tests.conftest import TEST_CATALOG
from tests.support.threaded_api import api_in_thread


@dataclass(frozen=True)
class ServedApi:
    url: str
    platform: Platform


@pytest.fixture(scope="module")
def served_api(moto_server: MotoSandbox) -> Iterator[ServedApi]:
    platform = create_platform(f"t{uuid.uuid4().hex[:10]}", TEST_CATALOG)
    functions = make_functions(platform)
    with api_in_thread(make_app(functions.trigger.handle, functions.status.handle)) as url:
        yield ServedApi(url, platform)
    remove_event_streams(platform.data)
