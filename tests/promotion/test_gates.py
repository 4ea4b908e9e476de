"""Gates: thresholds, no regression, soak (time-zone safe), upstream health, holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from gitops_ml.promotion.gates import (
    UpstreamObservation,
    evaluate,
    no_regression,
    parse_time,
    soak,
    threshold,
)
from gitops_ml.spec.documents import ModelVersion

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def version(name: str, **metrics: float) -> ModelVersion:
    return ModelVersion("m", name, "2026-11-01T00:00:00Z", metrics, {}, {}, None, {})


def upstream(live_since: datetime | None, in_sync: bool = True) -> UpstreamObservation:
    return UpstreamObservation("staging", in_sync, True, live_since)


def test_a_threshold_compares_the_candidates_metric() -> None:
    gate: dict[str, Any] = {"metric": "auc", "op": ">=", "value": 0.82}
    assert threshold(gate, version("2", auc=0.83)).passed
    assert not threshold(gate, version("2", auc=0.81)).passed


def test_a_metric_missing_on_either_side_fails_with_the_reason() -> None:
    gate: dict[str, Any] = {"noRegression": "recall", "direction": "higher"}
    missing_live = no_regression(gate, version("2", recall=0.8), version("1"))
    missing_new = threshold({"metric": "auc", "op": ">", "value": 0}, version("2"))

    assert not missing_live.passed
    assert missing_live.detail == "metric 'recall' is missing on 1"
    assert not missing_new.passed
    assert "missing on 2" in missing_new.detail


def test_no_regression_allows_a_relative_tolerance_of_the_live_value() -> None:
    gate: dict[str, Any] = {
        "noRegression": "recall",
        "direction": "higher",
        "tolerance": 0.01,
        "relative": True,
    }
    live = version("1", recall=0.80)
    assert no_regression(gate, version("2", recall=0.7921), live).passed  # -0.99 %
    assert not no_regression(gate, version("2", recall=0.7919), live).passed


def test_no_regression_for_lower_is_better_uses_an_absolute_tolerance() -> None:
    gate: dict[str, Any] = {
        "noRegression": "latency",
        "direction": "lower",
        "tolerance": 2,
    }
    live = version("1", latency=40)
    assert no_regression(gate, version("2", latency=42), live).passed
    assert not no_regression(gate, version("2", latency=42.5), live).passed


def test_soak_counts_from_going_live_upstream_across_time_zones() -> None:
    live_since = parse_time("2026-12-02T13:30:00+02:00")  # 11:30 UTC the day before

    result = soak("24h", "1.10", upstream(live_since), NOW)

    assert result.passed
    assert result.detail == "live for 1d30m"


def test_a_blocking_soak_shows_the_remaining_time() -> None:
    result = soak("24h", "1.10", upstream(NOW - timedelta(hours=20, minutes=15)), NOW)

    assert not result.passed
    assert result.detail == "live for 20h15m; 3h45m to go"


def test_a_timestamp_without_a_zone_is_read_as_utc() -> None:
    assert parse_time("2026-12-03T10:00:00") == datetime(2026, 12, 3, 10, tzinfo=UTC)


def test_an_upstream_out_of_sync_fails_its_gate() -> None:
    results = evaluate([], "1h", version("2"), None, upstream(NOW, in_sync=False), NOW)

    assert [(r.kind, r.passed) for r in results] == [
        ("upstream", False),
        ("soak", False),
    ]


def test_a_version_not_live_upstream_fails_the_soak_with_the_reason() -> None:
    gone = UpstreamObservation("staging", True, False, None, "m 2 does not run there")

    result = soak("1h", "2", gone, NOW)

    assert not result.passed
    assert "does not run there" in result.detail
