"""How gitops-ml retries GitHub requests: rate limits waited out, within a bound.

PyGithub's ``GithubRetry`` recognises GitHub's rate-limit answers; this subclass decides
how long to wait with an injected clock, waits with an injected sleep (tests wait zero
seconds), refuses to wait longer than ``max_wait`` and never re-sends a POST that failed
with a server error (it may have been applied: creates look up before they create).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from github.GithubException import RateLimitExceededExceedsMaxWait
from github.GithubRetry import GithubRetry
from urllib3.util.retry import Retry

Sleep = Callable[[float], None]
Clock = Callable[[], float]

RETRIED_STATUSES = [403, 429, 500, 502, 503, 504]
SECONDARY_WAIT = 60.0  # GitHub: with no retry-after or reset, wait at least a minute


class RateLimitRetry(GithubRetry):
    def __init__(
        self,
        *,
        sleep: Sleep = time.sleep,
        clock: Clock = time.time,
        max_wait: float = 300.0,
        **kwargs: Any,
    ) -> None:
        self.wait_sleep = sleep
        self.wait_clock = clock
        self.max_wait = max_wait
        kwargs.setdefault("status_forcelist", RETRIED_STATUSES)
        kwargs.setdefault(
            "allowed_methods", frozenset({"GET", "POST", "PATCH", "PUT", "DELETE"})
        )
        kwargs.setdefault("backoff_factor", 1.0)
        kwargs.setdefault("raise_on_status", False)
        kwargs.setdefault("respect_retry_after_header", True)
        kwargs["secondary_rate_wait"] = SECONDARY_WAIT
        kwargs["max_rate_limit_wait"] = None  # bounded here, with the injected clock
        super().__init__(**kwargs)

    def new(self, **kw: Any) -> RateLimitRetry:
        kw.update(sleep=self.wait_sleep, clock=self.wait_clock, max_wait=self.max_wait)
        return super().new(**kw)

    def is_retry(
        self, method: str, status_code: int, has_retry_after: bool = False
    ) -> bool:
        if method.upper() == "POST" and status_code >= 500:
            return False
        return super().is_retry(method, status_code, has_retry_after)

    def increment(  # type: ignore[override]
        self,
        method: str | None = None,
        url: str | None = None,
        response: Any = None,
        error: Exception | None = None,
        _pool: Any = None,
        _stacktrace: Any = None,
    ) -> Retry:
        retry = super().increment(method, url, response, error, _pool, _stacktrace)
        if response is not None:
            self._wait(response, retry)
        return retry

    def sleep(self, response: Any = None) -> None:
        """Waiting already happened in ``increment`` through the injected sleep."""

    def _wait(self, response: Any, retry: Retry) -> None:
        seconds = self.wait_for(response.headers, retry)
        if seconds > self.max_wait:
            raise RateLimitExceededExceedsMaxWait(
                response.status,
                {"message": "rate limit"},
                dict(response.headers),
                wait=seconds,
            )
        if seconds > 0:
            self.wait_sleep(seconds)

    def wait_for(self, headers: Any, retry: Retry) -> float:
        """Retry-After first, then the primary limit's reset, then backoff."""
        retry_after = headers.get("Retry-After")
        if retry_after is not None and str(retry_after).strip().isdigit():
            return float(retry_after)
        if headers.get("X-RateLimit-Remaining") == "0":
            reset = headers.get("X-RateLimit-Reset", "")
            if reset.isdigit():
                return max(float(reset) - self.wait_clock(), 0.0) + 1.0
            return SECONDARY_WAIT
        return float(retry.get_backoff_time())
