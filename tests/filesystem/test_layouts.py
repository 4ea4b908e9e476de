"""Triton and TF Serving layouts: ROOT/MODEL/VERSION/..., nested files for a
SavedModel, and previous versions kept outside the served tree for a rollback."""

from __future__ import annotations

from tests.conftest import Cli, GitRepo, sha256

GRAPH = b"saved model graph"
INDEX = b"variables index"
V10_SHA = "841a79a6965b33424b832fa460a40cf0f32061ce04224247ff1072d3923f962b"


def test_a_tf_serving_saved_model_keeps_its_folders(
    example_repo: GitRepo, cli: Cli
) -> None:
    for name, data in (("saved_model.pb", GRAPH), ("variables.index", INDEX)):
        example_repo.write(f"artifacts/churn-model/1.11/{name}", data.decode())
    example_repo.add_version(
        "1.11",
        11,
        [
            {
                "path": "artifacts/churn-model/1.11/saved_model.pb",
                "sha256": sha256(GRAPH),
            },
            {
                "path": "artifacts/churn-model/1.11/variables.index",
                "sha256": sha256(INDEX),
                "dest": "variables/variables.index",
            },
        ],
    )
    example_repo.pin_local("1.11", target="layout: tfserving")
    example_repo.commit("local: 1.11 as a SavedModel")
    assert cli("apply", "--env", "local", "--repo", str(example_repo.path)).code == 0
    version = example_repo.served / "churn-model" / "11"
    assert (version / "saved_model.pb").read_bytes() == GRAPH
    assert (version / "variables" / "variables.index").read_bytes() == INDEX


def test_a_dest_outside_the_version_folder_is_refused(
    example_repo: GitRepo, cli: Cli
) -> None:
    example_repo.add_version(
        "1.11",
        11,
        [
            {
                "path": "artifacts/churn-model/1.10/model.json",
                "sha256": V10_SHA,
                "dest": "../../escape.json",
            }
        ],
    )
    example_repo.pin_local("1.11")
    example_repo.commit("local: 1.11 escaping its folder")
    outcome = cli("apply", "--env", "local", "--repo", str(example_repo.path))
    assert outcome.code == 1
    assert "dest must be a relative path inside the version folder" in outcome.err
    assert not (example_repo.path / "serving" / "escape.json").exists()


def test_a_rollback_renames_the_kept_version_back_without_fetching(
    example_repo: GitRepo, cli: Cli
) -> None:
    args = ("apply", "--env", "local", "--repo", str(example_repo.path))
    assert cli(*args).code == 0
    served = example_repo.served / "churn-model" / "10" / "model.json"
    inode = served.stat().st_ino
    example_repo.pin_local("1.9")
    change = example_repo.commit("local: 1.9")
    assert cli(*args).code == 0
    assert sorted(p.name for p in (example_repo.served / "churn-model").iterdir()) == [
        "9"
    ]
    example_repo.git("revert", "--no-edit", change)
    assert cli(*args).code == 0
    assert served.stat().st_ino == inode
