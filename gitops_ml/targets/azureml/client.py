"""Credentials, the MLClient, retries and bounded waits on long-running operations.

azure-ai-ml and azure-identity are imported inside functions: only an apply, plan,
drift or status of an azureml environment loads them.
"""

from __future__ import annotations

import contextlib
import io
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from gitops_ml.errors import GitopsError, InProgress, TargetError, TransientError
from gitops_ml.targets.azureml.credentials import CREDENTIALS, diagnose, summary

log = logging.getLogger("gitops_ml")
T = TypeVar("T")
SCOPE = "https://management.azure.com/.default"
TRANSIENT = {408, 429, 500, 502, 503, 504}


class Clock(Protocol):
    """Time as the target sees it: tests pass one that never really sleeps."""

    def now(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...

    def wait(self, poller: Any, seconds: float) -> None: ...


class RealClock:
    def now(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def wait(self, poller: Any, seconds: float) -> None:
        poller.wait(seconds)


@dataclass
class Runtime:
    """What a run needs from outside; tests swap the fields, never the code paths."""

    credential: Callable[[str], Any] | None = None
    clock: Clock = field(default_factory=RealClock)
    polling_interval: float = 15.0
    poll_slice: float = 5.0
    backoff: float = 1.0
    attempts: int = 5
    deployment_timeout: float = 30 * 60.0
    endpoint_timeout: float = 10 * 60.0
    settle_timeout: float = 120.0


RUNTIME = Runtime()


def build_credential(name: str) -> Any:
    """The named credential from azure-identity, checked once so failures are fast."""
    if RUNTIME.credential is not None:
        return RUNTIME.credential(name)
    import azure.identity as identity

    _quiet_sdk_loggers()

    class_name = CREDENTIALS[name][0]
    kwargs: dict[str, Any] = {}
    if name == "default":
        kwargs["exclude_interactive_browser_credential"] = True
    return check_credential(lambda: getattr(identity, class_name)(**kwargs), name)


def check_credential(make: Callable[[], Any], name: str) -> Any:
    """Build the credential and get one token, so a missing one fails at once."""
    try:
        credential = make()
        credential.get_token(SCOPE)
        return credential
    except Exception as exc:  # construction, settings, files, network: all the user's
        cause = diagnose(name, exc)
        raise TargetError(
            f"no Azure credential worked (credential: {name}; {cause.detail})",
            hint=f"{cause.hint}, or name another in spec.target.credential",
        ) from None


def connect(target: dict[str, Any]) -> Any:
    """An MLClient for the environment's workspace."""
    from azure.ai.ml import MLClient
    from azure.ai.ml.constants._common import LROConfigurations

    LROConfigurations.POLL_INTERVAL = int(RUNTIME.polling_interval)
    _silence_progress_dots()
    credential = build_credential(str(target.get("credential", "default")))
    ml = MLClient(
        credential,
        target["subscriptionId"],
        target["resourceGroup"],
        target["workspace"],
        show_progress=False,
        polling_interval=RUNTIME.polling_interval,
        retry_total=0,
    )
    _quiet_sdk_loggers()
    return ml


def _quiet_sdk_loggers() -> None:
    """The SDK gives some of its loggers their own INFO handler on stderr."""
    if log.isEnabledFor(logging.DEBUG):
        return
    for name in list(logging.root.manager.loggerDict):
        if name == "azure" or name.startswith("azure."):
            logging.getLogger(name).setLevel(logging.ERROR)


def _silence_progress_dots() -> None:
    """The SDK's deployment poller prints a '.' per poll from its own thread, which
    would corrupt ``--format json`` output; poll without printing."""
    from azure.ai.ml._utils._azureml_polling import AzureMLPolling
    from azure.mgmt.core.polling.arm_polling import ARMPolling

    AzureMLPolling.update_status = ARMPolling.update_status  # type: ignore[method-assign]


def call(what: str, func: Callable[[], T]) -> T:
    """Run one service call, retrying 429/5xx with back-off; map errors to ours."""
    import tenacity
    from azure.core.exceptions import HttpResponseError, ServiceRequestError

    retrying = tenacity.Retrying(
        stop=tenacity.stop_after_attempt(RUNTIME.attempts),
        wait=_delay,
        retry=tenacity.retry_if_exception(_transient),
        sleep=RUNTIME.clock.sleep,
        reraise=True,
    )
    try:
        with quiet():
            return retrying(func)
    except HttpResponseError as exc:
        raise service_error(what, exc) from None
    except ServiceRequestError as exc:
        raise TransientError(
            f"{what}: Azure ML could not be reached ({summary(str(exc))})",
            hint="check the network and re-run",
        ) from None


def _transient(exc: BaseException) -> bool:
    from azure.core.exceptions import HttpResponseError, ServiceRequestError

    if isinstance(exc, HttpResponseError):
        return (exc.status_code or 0) in TRANSIENT
    return isinstance(exc, ServiceRequestError)


def _delay(state: Any) -> float:
    """Retry-After when the service sends one, otherwise exponential back-off."""
    import tenacity

    exc = state.outcome.exception() if state.outcome else None
    response = getattr(exc, "response", None)
    header = response.headers.get("Retry-After") if response is not None else None
    if header:
        with contextlib.suppress(ValueError):
            return min(float(header), 120.0) * RUNTIME.backoff
    backoff = tenacity.wait_exponential(multiplier=1, max=60)
    return float(backoff(state)) * RUNTIME.backoff


class NotFound(TargetError):
    """The service answered 404."""


def service_error(what: str, exc: Any) -> GitopsError:
    status = getattr(exc, "status_code", None) or 0
    message = _service_message(exc)
    if status == 404:
        return NotFound(f"{what}: {message}", hint="check the name")
    if status in (401, 403):
        return TargetError(
            f"{what}: Azure denied access ({status}: {message})",
            hint="grant the identity a role on the workspace (e.g. AzureML Data "
            "Scientist) or pick another spec.target.credential",
        )
    if status in TRANSIENT:
        return TransientError(
            f"{what}: Azure ML kept failing ({status}: {message})",
            hint="re-run later; the apply resumes where it stopped",
        )
    return TargetError(f"{what}: {message}", hint="fix the cause and re-run")


def _service_message(exc: Any) -> str:
    error = getattr(exc, "error", None)
    if error is not None and getattr(error, "message", None):
        code = getattr(error, "code", "") or ""
        return f"({code}) {error.message}" if code else str(error.message)
    return summary(str(getattr(exc, "message", None) or exc))


@contextlib.contextmanager
def quiet() -> Any:
    """azure-ai-ml prints progress dots to stdout; keep them out of our output."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield


def wait(what: str, poller: Any, timeout: float) -> Any:
    """Wait for a long-running operation with our own deadline; never block forever."""
    from azure.core.exceptions import HttpResponseError

    clock = RUNTIME.clock
    deadline = clock.now() + timeout
    try:
        with quiet():
            while not poller.done():
                if clock.now() >= deadline:
                    raise InProgress(
                        f"{what} is still running on Azure ML after {int(timeout)}s",
                        hint="re-run apply to resume; it continues where the service "
                        "is",
                    )
                clock.wait(poller, RUNTIME.poll_slice)
            return poller.result()
    except HttpResponseError as exc:
        raise service_error(what, exc) from None
