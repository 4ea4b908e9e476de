"""Ctrl-C during an apply (here: while waiting for readiness) puts the previous
version back before the interrupt goes on, so status does not call the unverified
version "added by hand", and a re-apply converges."""

from __future__ import annotations

import pytest

from gitops_ml.reconcile import engine
from gitops_ml.targets.base import Options
from gitops_ml.targets.filesystem.digest import folder_digests
from tests.conftest import Cli, GitRepo
from tests.loopback import serve


def interrupt(seconds: float) -> None:
    raise KeyboardInterrupt


def test_ctrl_c_while_waiting_for_readiness_restores_the_previous_version(
    example_repo: GitRepo, cli: Cli
) -> None:
    args = ("--env", "local", "--repo", str(example_repo.path))
    with serve() as triton:
        triton.routes["/v2/models/churn-model/versions/10/ready"] = (200, b"")
        readiness = f"readiness:\n  url: {triton.url}\n  timeout: 5s"
        example_repo.pin_local("1.10", target=readiness)
        example_repo.commit("local: 1.10 with readiness")
        assert cli("apply", *args).code == 0
        before = folder_digests(example_repo.served)
        state_before = example_repo.state_file.read_bytes()

        example_repo.pin_local("1.9", target=readiness)  # 9 is not ready yet
        example_repo.commit("local: 1.9")
        session = engine.open_session(
            example_repo.path, "local", example_repo.head, Options()
        )
        session.context.sleep = interrupt
        with pytest.raises(KeyboardInterrupt):
            engine.apply(session)

        assert folder_digests(example_repo.served) == before
        assert not (example_repo.served / "churn-model/9").exists()
        assert example_repo.state_file.read_bytes() == state_before
        status = cli("status", *args)
        assert "added by hand" not in status.out
        assert "behind" in status.out
        assert "no drift" in cli("drift", *args).out

        triton.routes["/v2/models/churn-model/versions/9/ready"] = (200, b"")
        assert cli("apply", *args).code == 0
    assert (example_repo.served / "churn-model/9").is_dir()
    assert not (example_repo.served / "churn-model/10").exists()
    assert "in sync" in cli("status", *args).out
