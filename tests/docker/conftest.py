"""Real Docker engines for every test in this folder, started once per session."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.docker import engines


@pytest.fixture(scope="session")
def docker_env() -> Iterator[engines.EdgeEnv]:
    reason = engines.unavailable_reason()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Docker tests cannot run under CI=true: {reason}")
        pytest.skip(reason)
    env = engines.start()
    try:
        yield env
    finally:
        engines.stop(env)
