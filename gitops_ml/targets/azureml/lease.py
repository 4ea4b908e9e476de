"""One apply per endpoint at a time: a lease recorded in the endpoint's own tags.

The tag holds who applies and until when.  An apply takes it just before its first
write to an endpoint (a new endpoint carries it in the create request) and removes it
at the end; every endpoint update it makes in between renews it.  A lease of another
holder that has not expired stops the apply; an expired one is taken over.  A lease
left for the same revision is a run that stopped while the service was still busy
(exit 75): a re-run of that revision resumes it instead of waiting for the expiry.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gitops_ml.errors import LeaseHeld

TAG_LEASE = "gitops.lease"
# Long enough to cover the longest wait of an apply (a deployment, 30 minutes, during
# which the busy endpoint cannot be written to renew it).
LEASE_SECONDS = 45 * 60


@dataclass
class Lease:
    holder: str
    clock: Callable[[], dt.datetime]
    force: bool = False
    revision: str = ""
    taken: set[str] = field(default_factory=set)

    def value(self) -> str:
        expires = self.clock() + dt.timedelta(seconds=LEASE_SECONDS)
        held = {
            "holder": self.holder,
            "expires": expires.isoformat(timespec="seconds"),
            "revision": self.revision,
        }
        return json.dumps(held, sort_keys=True)

    def check(self, endpoint: str, tags: dict[str, Any]) -> None:
        """Raise LeaseHeld when another apply holds an unexpired lease."""
        held = read(tags)
        if held is None or held.get("holder") == self.holder or self.force:
            return
        if self.revision and held.get("revision") == self.revision:
            return  # a run of this revision stopped in progress: resume it
        expires = _when(held.get("expires"))
        if expires is not None and expires <= self.clock():
            return  # its holder stopped without releasing it: take it over
        raise LeaseHeld(
            f"another apply holds endpoint {endpoint}: {held.get('holder', 'unknown')} "
            f"until {held.get('expires', 'an unknown time')}",
            hint="wait for it to finish and re-run; if no apply is running any more, "
            "re-run with --force to take the lease over",
        )

    def ours(self, tags: dict[str, Any]) -> bool:
        held = read(tags)
        return held is not None and held.get("holder") == self.holder


def read(tags: dict[str, Any]) -> dict[str, Any] | None:
    text = (tags or {}).get(TAG_LEASE)
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return {"holder": str(text)}
    return value if isinstance(value, dict) else {"holder": str(text)}


def _when(text: Any) -> dt.datetime | None:
    try:
        when = dt.datetime.fromisoformat(str(text))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)
