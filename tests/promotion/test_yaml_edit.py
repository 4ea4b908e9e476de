"""The pin edit keeps comments, order and quoting: only the pin's line changes."""

from __future__ import annotations

import difflib

import pytest

from gitops_ml.errors import InputError
from gitops_ml.promotion.yamledit import set_version
from gitops_ml.spec.documents import build_environment
from gitops_ml.spec.findings import Findings
from gitops_ml.spec.loader import load_document

TEXT = """\
# the fleet at the edge
apiVersion: gitops-ml/v1
kind: Environment
metadata: {name: shops}   # flow style stays
spec:
  target:
    type: filesystem
    root: /srv/models
  deployments:
    - {model: churn-model, version: '1.9'}   # single quotes stay
    - model: other
      version: "3"
    - model: churn-model
      # a comment right above the pin
      version: "1.9"      # trailing comment
"""


def edit(text: str, model: str, version: str) -> str:
    document = load_document("environments/shops.yaml", text.encode(), Findings())
    assert document is not None
    return set_version(text, build_environment(document), model, version)


def test_only_the_lines_of_the_pins_change() -> None:
    result = edit(TEXT, "churn-model", "1.10")

    changed = [
        line
        for line in difflib.unified_diff(TEXT.splitlines(), result.splitlines(), n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert changed == [
        "-    - {model: churn-model, version: '1.9'}   # single quotes stay",
        "+    - {model: churn-model, version: '1.10'}   # single quotes stay",
        '-      version: "1.9"      # trailing comment',
        '+      version: "1.10"      # trailing comment',
    ]


def test_other_models_are_left_alone() -> None:
    result = edit(TEXT, "other", "4")

    assert 'version: "4"' in result
    assert result.count("'1.9'") == 1 and result.count('"1.9"') == 1


ANCHORED = """\
apiVersion: gitops-ml/v1
kind: Environment
metadata: {name: shops}
spec:
  target: {type: filesystem, root: /srv/models}
  deployments:
    - model: churn-model
      version: &v '1.9'   # the anchor stays
    - {model: churn-model, name: second, version: *v}
"""


def test_an_anchored_version_keeps_its_anchor_and_its_alias_follows() -> None:
    result = edit(ANCHORED, "churn-model", "1.10")

    assert "version: &v '1.10'   # the anchor stays" in result
    assert "version: *v}" in result
    document = load_document("environments/shops.yaml", result.encode(), Findings())
    assert document is not None
    pins = build_environment(document).pins()
    assert [v for _, v, _ in pins] == ["1.10", "1.10"]


def test_an_anchor_shared_with_another_model_is_refused_not_changed_twice() -> None:
    shared = ANCHORED.replace("{model: churn-model, name: second", "{model: other")

    with pytest.raises(InputError) as caught:
        edit(shared, "churn-model", "1.10")

    assert "shared through a YAML anchor" in str(caught.value)
    with pytest.raises(InputError):
        edit(shared, "other", "2")


def test_a_pin_merged_from_an_anchor_changes_with_it() -> None:
    merged = ANCHORED.replace(
        "    - {model: churn-model, name: second, version: *v}\n",
        "    - &base\n      model: churn-model\n      version: '1.9'\n"
        "    - {<<: *base, name: third}\n",
    )

    result = edit(merged, "churn-model", "1.10")

    assert result.count("'1.10'") == 2 and "'1.9'" not in result
