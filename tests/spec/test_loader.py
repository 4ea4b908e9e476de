"""The strict loader: positions for every node and limits that fail fast."""

from __future__ import annotations

from pathlib import Path

from gitops_ml.spec import loader
from gitops_ml.spec.findings import Findings
from gitops_ml.workspace import load_folder
from tests.conftest import GitRepo


def _load(text: str | bytes) -> tuple[loader.Document | None, Findings]:
    findings = Findings()
    raw = text.encode() if isinstance(text, str) else text
    return loader.load_document("f.yaml", raw, findings), findings


def test_every_value_has_its_line_and_column() -> None:
    document, _ = _load("a:\n  b: [1, {c: x}]\n  d: |\n    text\n")
    assert document is not None
    assert document.location(("a", "b", 1, "c")).line == 2
    assert document.location(("a", "b", 1)).column == 10
    assert document.location(("a", "d")).line == 3
    assert document.location(("a", "missing", 5)).line == 1


def test_explicit_key_overrides_merge_and_first_merged_anchor_wins() -> None:
    text = "x: &x {a: 1, b: 1}\ny: &y {a: 2, c: 2}\nz:\n  <<: [*x, *y]\n  b: 3\n"
    document, findings = _load(text)
    assert document is not None and not findings
    assert document.data["z"] == {"a": 1, "b": 3, "c": 2}
    assert document.location(("z", "b")).line == 5


def test_file_over_the_size_bound_is_one_finding_before_parsing() -> None:
    raw = b"a: 1\n" + b"#" * loader.MAX_FILE_BYTES
    document, findings = _load(raw)
    assert document is None
    assert [f.rule for f in findings.items] == ["file-too-large"]


def test_alias_bomb_is_refused_without_expanding_it() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):  # 10**9 values if expanded
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    document, findings = _load("\n".join(lines) + "\n")
    assert document is None
    assert [f.rule for f in findings.items] == ["alias-bomb"]


def test_a_plain_key_read_as_a_number_is_an_error_but_quoted_is_not() -> None:
    _, findings = _load("1.10: x\n")
    assert [f.rule for f in findings.items] == ["key-type"]
    document, findings = _load('"1.10": x\n')
    assert document is not None and document.data == {"1.10": "x"}
    assert not findings


def test_timestamps_with_zone_stay_text_and_without_zone_are_reported() -> None:
    document, findings = _load("a: 2026-01-01T10:00:00+01:00\nb: 2026-01-01 10:00:00\n")
    assert document is not None
    assert document.data["a"] == "2026-01-01T10:00:00+01:00"
    assert [(f.rule, f.location.line) for f in findings.items] == [("timestamp", 2)]


def test_file_path_through_a_symlink_out_of_the_repo_is_refused(
    example_repo: GitRepo, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "model.json").write_text("{}")
    (example_repo.path / "artifacts" / "escape").symlink_to(outside)
    example_repo.replace(
        "models/churn-model.yaml",
        "path: artifacts/churn-model/1.8/model.json",
        "path: artifacts/escape/model.json",
    )
    findings = load_folder(example_repo.path).findings.sorted()
    assert [(f.rule, f.location.file) for f in findings] == [
        ("path-symlink", "models/churn-model.yaml")
    ]
