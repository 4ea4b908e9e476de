"""Why no Azure credential worked, in one line, and the next step for that cause.

azure-identity reports every failure as free text (a chained credential lists each one
it tried); this module reads that text, never the SDK, so it is cheap to test.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

LIMIT = 300
LOGIN_HOST = "login.microsoftonline.com"

CREDENTIALS: dict[str, tuple[str, str]] = {
    # name -> (azure.identity class, how to provide it)
    "default": (
        "DefaultAzureCredential",
        "set AZURE_CLIENT_ID/AZURE_TENANT_ID (with a secret, certificate or a "
        "federated token), run az login, or run on a machine with a managed identity",
    ),
    "environment": (
        "EnvironmentCredential",
        "set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or "
        "AZURE_CLIENT_CERTIFICATE_PATH)",
    ),
    "azure-cli": ("AzureCliCredential", "run az login on this machine"),
    "workload-identity": (
        "WorkloadIdentityCredential",
        "set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE (the "
        "azure/login action with OIDC does this)",
    ),
    "managed-identity": (
        "ManagedIdentityCredential",
        "run on an Azure VM or runner with a managed identity (AZURE_CLIENT_ID picks "
        "a user-assigned one)",
    ),
}
REQUIRED = {
    "environment": ("AZURE_TENANT_ID", "AZURE_CLIENT_ID"),
    "workload-identity": (
        "AZURE_TENANT_ID",
        "AZURE_CLIENT_ID",
        "AZURE_FEDERATED_TOKEN_FILE",
    ),
}
_MISSING_FILE = re.compile(r"No such file or directory: '([^']*)'")
_UNREACHABLE = re.compile(
    r"Failed to resolve|Name or service not known|name resolution|"
    r"Connection (?:refused|reset|aborted)|timed out|Max retries exceeded|"
    r"Failed to establish a new connection|ServiceRequestError",
    re.IGNORECASE,
)
_REJECTED = re.compile(r"AADSTS\d+|invalid_client|unauthorized_client|invalid_grant")
_HOST = re.compile(r"host='([^']+)'")
_ATTEMPT = re.compile(r"^\s+([A-Za-z]+Credential): (.*)$")


@dataclass(frozen=True)
class Diagnosis:
    """What went wrong (for the error line) and what to do (for the hint)."""

    detail: str
    hint: str


def diagnose(
    name: str, exc: BaseException, environ: Mapping[str, str] | None = None
) -> Diagnosis:
    """The cause of a credential failure: missing settings, network, or refusal."""
    environ = os.environ if environ is None else environ
    text = _text(exc)
    attempts = _attempts(text)
    if attempts:
        tried = ", ".join(attempts)
        last = list(attempts)[-1]
        cause = _cause(name, attempts[last], environ)
        if cause.detail:
            return Diagnosis(clip(f"{last}: {cause.detail}; tried {tried}"), cause.hint)
        return Diagnosis(clip(f"tried {tried}; none was available"), cause.hint)
    cause = _cause(name, text, environ)
    return Diagnosis(cause.detail or summary(text), cause.hint)


def _cause(name: str, text: str, environ: Mapping[str, str]) -> Diagnosis:
    """Detail is empty when the text itself says it best (missing settings)."""
    how = CREDENTIALS[name][1]
    missing_file = _MISSING_FILE.search(text)
    if missing_file:
        return Diagnosis(
            f"token file {missing_file.group(1)} not found",
            "point AZURE_FEDERATED_TOKEN_FILE at the federated token file; in "
            "GitHub Actions run azure/login with OIDC earlier in the same job "
            "(permissions: id-token: write)",
        )
    if _UNREACHABLE.search(text):
        host = _HOST.search(text)
        where = host.group(1) if host else LOGIN_HOST
        return Diagnosis(
            f"the login endpoint {where} could not be reached",
            f"check that this machine can reach https://{where} (DNS, proxy, "
            "firewall; HTTPS_PROXY is honoured), then re-run",
        )
    rejected = _REJECTED.search(text)
    if rejected:
        return Diagnosis(
            f"the login endpoint refused the credential ({summary(text, 200)})",
            "check AZURE_TENANT_ID, AZURE_CLIENT_ID and the secret, certificate or "
            "federated credential (its subject must match this repository and "
            "branch or environment)",
        )
    unset = [v for v in REQUIRED.get(name, ()) if not environ.get(v)]
    if unset:
        return Diagnosis("", f"set {', '.join(unset)} ({how})")
    return Diagnosis("", how)


def _text(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.filename and exc.strerror:
        return f"[Errno {exc.errno}] {exc.strerror}: '{exc.filename}'"
    return str(exc) or type(exc).__name__


def _attempts(text: str) -> dict[str, str]:
    """A chained credential's list: credential class -> its message."""
    if "Attempted credentials:" not in text:
        return {}
    found: dict[str, str] = {}
    for line in text.splitlines():
        match = _ATTEMPT.match(line)
        if match:
            found[match.group(1)] = match.group(2)
    return found


def summary(text: str, limit: int = LIMIT) -> str:
    """The first line without troubleshooting links, cut at a word boundary."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return "no details"
    sentences = re.split(r"(?<=\.)\s+", lines[0])
    kept = [s for s in sentences if "http" not in s and "troubleshoot" not in s]
    return clip(" ".join(kept) or lines[0], limit)


def clip(text: str, limit: int = LIMIT) -> str:
    """At most ``limit`` characters, cut between words, with '...' when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 3]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "..."
