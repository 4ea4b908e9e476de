"""One apply per environment at a time: a second one waits a bounded time, then fails
naming the holder."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager

from tests.conftest import Cli, GitRepo

HOLD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from gitops_ml.reconcile import engine
    from gitops_ml.targets.base import Options
    session = engine.open_session(Path(sys.argv[1]), "local", "HEAD", Options())
    with session.target.lease():
        print("held", flush=True)
        sys.stdin.readline()
    """
)


@contextmanager
def hold_lease(repo: GitRepo) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the lease until it is told to let go."""
    with subprocess.Popen(
        [sys.executable, "-c", HOLD, str(repo.path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        yield holder
        assert holder.stdin is not None
        if holder.poll() is None:
            holder.stdin.write("\n")
            holder.stdin.flush()


def test_a_second_apply_fails_naming_the_process_holding_the_lease(
    example_repo: GitRepo, cli: Cli
) -> None:
    args = ("apply", "--env", "local", "--repo", str(example_repo.path))
    with hold_lease(example_repo) as holder:
        refused = cli(*args, "--lease-wait", "0.2")
        assert refused.code == 1
        assert f"pid {holder.pid} since" in refused.err
        assert not example_repo.served.exists()
    assert cli(*args, "--lease-wait", "0").code == 0


def test_a_killed_holder_does_not_block_the_next_apply(
    example_repo: GitRepo, cli: Cli
) -> None:
    with hold_lease(example_repo) as holder:
        holder.kill()
        holder.wait()
    args = ("apply", "--env", "local", "--repo", str(example_repo.path))
    assert cli(*args, "--lease-wait", "0").code == 0
