from github_fake.fixtures import fake, sleeps
from promotion_repo import github_env, isolated_git, origin, promote, work

__all__ = ["fake", "github_env", "isolated_git", "origin", "promote", "sleeps", "work"]
