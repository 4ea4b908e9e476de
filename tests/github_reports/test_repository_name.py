"""The GitHub repository is read only from a remote that is clearly on GitHub."""

from __future__ import annotations

from pathlib import Path

import git
import pytest

from gitops_ml.errors import InputError
from gitops_ml.github.publishing import repository_of

GHES = {"GITHUB_SERVER_URL": "https://ghe.example.com"}


def clone_with_origin(tmp_path: Path, url: str) -> Path:
    repo = git.Repo.init(tmp_path / "clone", initial_branch="main")
    repo.create_remote("origin", url)
    return Path(repo.working_dir)


@pytest.mark.parametrize(
    ("url", "environ"),
    [
        ("https://github.com/acme/models.git", {}),
        ("https://github.com/acme/models", {}),
        ("https://x-access-token:secret@github.com/acme/models.git", {}),
        ("git@github.com:acme/models.git", {}),
        ("ssh://git@github.com/acme/models.git", {}),
        ("ssh://git@ssh.github.com:443/acme/models.git", {}),
        ("https://ghe.example.com/acme/models.git", GHES),
        ("git@ghe.example.com:acme/models.git", GHES),
        (
            "https://ghe.example.com/acme/models",
            {"GITHUB_API_URL": "https://ghe.example.com/api/v3"},
        ),
    ],
)
def test_a_github_remote_names_the_repository(
    tmp_path: Path, url: str, environ: dict[str, str]
) -> None:
    assert repository_of(clone_with_origin(tmp_path, url), environ) == "acme/models"


@pytest.mark.parametrize(
    ("url", "environ"),
    [
        ("/srv/git/acme/models.git", {}),
        ("../acme/models", {}),
        ("file:///srv/git/acme/models.git", {}),
        ("https://gitlab.com/acme/models.git", {}),
        ("git@gitlab.com:acme/models.git", {}),
        ("https://ghe.example.com/acme/models.git", {}),
        ("https://github.com/acme/models/extra.git", {}),
        ("http://github.com/acme/models.git", {}),
        ("https://user:hunter2@git.example.org/acme/models.git", GHES),
    ],
)
def test_any_other_remote_asks_for_github_repository(
    tmp_path: Path, url: str, environ: dict[str, str]
) -> None:
    root = clone_with_origin(tmp_path, url)

    with pytest.raises(InputError) as caught:
        repository_of(root, environ)

    assert caught.value.hint == "set GITHUB_REPOSITORY=owner/name"
    assert "hunter2" not in str(caught.value)


def test_github_repository_wins_over_the_remote(tmp_path: Path) -> None:
    root = clone_with_origin(tmp_path, "/srv/git/acme/models.git")
    assert repository_of(root, {"GITHUB_REPOSITORY": "acme/other"}) == "acme/other"


def test_no_origin_leaves_the_repository_unknown(tmp_path: Path) -> None:
    root = Path(git.Repo.init(tmp_path / "bare", initial_branch="main").working_dir)
    assert repository_of(root, {}) is None
