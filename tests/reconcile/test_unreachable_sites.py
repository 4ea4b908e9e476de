"""A site that was not reached is never reported as matching Git."""

from __future__ import annotations

from gitops_ml.reconcile.objects import (
    DesiredObject,
    Observation,
    ObservedObject,
    Plan,
    SiteStatus,
)
from gitops_ml.reconcile.status import classify

WANT = [
    DesiredObject("shop-1", "churn", "churn-model", "1.10", {"image": "a"}),
    DesiredObject("shop-2", "churn", "churn-model", "1.10", {"image": "a"}),
]


def _observed() -> Observation:
    in_sync = ObservedObject(
        "shop-1", "churn", "churn-model", "1.10", "abc1234", WANT[0].spec_hash
    )
    return Observation(
        objects=[in_sync],
        sites=[
            SiteStatus("shop-1", True),
            SiteStatus("shop-2", False, detail="connection refused"),
        ],
    )


def test_objects_on_an_unreachable_site_are_unknown_not_behind() -> None:
    status = classify("edge", "abc1234", WANT, _observed(), prune=False)
    states = {o.site: (o.state, o.reason) for o in status.objects}
    assert states["shop-1"] == ("in sync", "")
    assert states["shop-2"] == ("unknown", "site not reached: connection refused")
    assert status.state == "unknown"


def test_a_plan_with_an_unreachable_site_does_not_match_git() -> None:
    plan = Plan("edge", "docker", "abc1234")
    assert plan.matches_git
    plan.unreachable = [SiteStatus("shop-2", False, detail="connection refused")]
    assert not plan.changed
    assert not plan.matches_git
