"""A version folder added by hand is put apart when Git's versions replace it: it is
kept (never deleted) but does not take the place of a version gitops-ml installed
among the keepPrevious kept for an instant rollback."""

from __future__ import annotations

import shutil

from tests.conftest import Cli, GitRepo


def test_a_hand_added_folder_is_put_apart_and_not_counted_in_keep_previous(
    example_repo: GitRepo, cli: Cli
) -> None:
    args = ("--env", "local", "--repo", str(example_repo.path))
    home = example_repo.state_file.parent
    assert cli("apply", *args).code == 0  # 10
    model = example_repo.served / "churn-model"
    shutil.copytree(model / "10", model / "7")  # by hand
    for version in ("1.9", "1.8"):
        example_repo.pin_local(version)
        example_repo.commit(f"local: {version}")
        applied = cli("apply", *args)
        assert applied.code == 0, applied.out
        if version == "1.9":
            assert "put apart" in applied.out
            assert str(home / "stray" / "churn-model") in applied.out.replace("\n", "")

    assert sorted(p.name for p in model.iterdir()) == ["8"]
    kept = sorted(p.name for p in (home / "previous" / "churn-model").iterdir())
    assert kept == ["10", "9"]  # keepPrevious: 2, both installed by gitops-ml
    strays = list((home / "stray" / "churn-model").iterdir())
    assert [p.name.split("-")[0] for p in strays] == ["7"]
    assert (strays[0] / "model.json").read_bytes() == (
        home / "previous/churn-model/10/model.json"
    ).read_bytes()
