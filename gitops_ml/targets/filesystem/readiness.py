"""Ask a running Triton (KServe v2 protocol) whether a version is ready."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from gitops_ml.errors import VersionRejected

DEFAULT_TIMEOUT = 30.0
INTERVAL = 0.5


def wait_ready(
    settings: dict[str, Any] | None,
    model: str,
    folders: list[int],
    sleep: Callable[[float], None],
) -> None:
    """Poll /v2/models/<m>/versions/<v>/ready until 200, for at most the timeout."""
    if not settings or not folders:
        return
    import requests
    from tenacity import (
        Retrying,
        retry_if_result,
        stop_after_attempt,
        stop_after_delay,
        wait_fixed,
    )

    base = settings["url"].rstrip("/")
    timeout = _seconds(settings.get("timeout", "30s"))
    verify = settings.get("caBundle") or True

    def ready(url: str) -> bool:
        try:
            return requests.get(url, timeout=5, verify=verify).status_code == 200
        except requests.RequestException:
            return False

    for folder in folders:
        url = f"{base}/v2/models/{model}/versions/{folder}/ready"
        retrying = Retrying(
            stop=stop_after_attempt(math.ceil(timeout / INTERVAL) + 1)
            | stop_after_delay(timeout),
            wait=wait_fixed(INTERVAL),
            sleep=sleep,
            retry=retry_if_result(lambda ok: not ok),
            retry_error_callback=lambda _: False,
        )
        if not retrying(ready, url):
            raise VersionRejected(
                f"{model} version {folder} did not become ready at {url} within "
                f"{timeout:g}s",
                hint="check the server's log; the previous version keeps serving",
            )


def _seconds(text: str) -> float:
    units = {"s": 1, "m": 60, "h": 3600}
    total, number = 0.0, ""
    for char in text:
        if char.isdigit():
            number += char
        else:
            total += int(number or 0) * units[char]
            number = ""
    return total or DEFAULT_TIMEOUT
