from tests.github_fake.fixtures import fake, sleeps
from tests.promotion.promotion_repo import (
    github_env,
    isolated_git,
    origin,
    promote,
    rollback,
    work,
)

__all__ = [
    "fake",
    "github_env",
    "isolated_git",
    "origin",
    "promote",
    "rollback",
    "sleeps",
    "work",
]
