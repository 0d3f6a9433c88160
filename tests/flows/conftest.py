"""Flows run against one Prefect test server for the whole session (its start costs 10–30 s here).

Prefect never phones home from tests, and its home (result storage, logs) is a temporary folder, not
the user's ``~/.prefect``. Subprocess tests reach the same server through ``prefect_api_url``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ["DO_NOT_TRACK"] = "1"
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"

HARNESS_STARTUP_TIMEOUT_S = 180


@pytest.fixture(scope="session", autouse=True)
def prefect_harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The session's Prefect API URL; flows called in-process run against it."""
    home = tmp_path_factory.mktemp("prefect-home")
    saved = os.environ.get("PREFECT_HOME")
    os.environ["PREFECT_HOME"] = str(home)
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    try:
        with prefect_test_harness(server_startup_timeout=HARNESS_STARTUP_TIMEOUT_S):
            url = PREFECT_API_URL.value()
            assert url, "the test harness did not set PREFECT_API_URL"
            yield url
    finally:
        if saved is None:
            os.environ.pop("PREFECT_HOME", None)
        else:
            os.environ["PREFECT_HOME"] = saved


@pytest.fixture
def prefect_api_url(prefect_harness: str) -> str:
    return prefect_harness


@pytest.fixture
def subprocess_env(prefect_harness: str, tmp_path: Path) -> dict[str, str]:
    """Environment of an ``evidence`` subprocess: the session's server, no SMTP from the caller."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EVIDENCE_", "PREFECT_"))}
    env.update(
        PREFECT_API_URL=prefect_harness,
        DO_NOT_TRACK="1",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PYTHONUNBUFFERED="1",
    )
    return env
