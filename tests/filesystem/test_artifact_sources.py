"""Artifacts come from a repo path, a file:// URL or an https:// URL; each is
verified against its sha256 before anything is installed."""

from __future__ import annotations

import ssl
from pathlib import Path

import trustme

from gitops_ml.targets.filesystem.digest import folder_digests
from tests.conftest import Cli, GitRepo, sha256
from tests.loopback import serve

WEIGHTS = b"\x00\x01weights" * 1000


def apply(cli: Cli, repo: GitRepo) -> tuple[int, str]:
    outcome = cli("apply", "--env", "local", "--repo", str(repo.path))
    return outcome.code, outcome.out + outcome.err


def test_a_file_url_is_installed_under_its_dest_name(
    example_repo: GitRepo, cli: Cli, tmp_path: Path
) -> None:
    source = tmp_path / "exported" / "weights.bin"
    source.parent.mkdir()
    source.write_bytes(WEIGHTS)
    example_repo.add_version(
        "1.11",
        11,
        [{"url": source.as_uri(), "sha256": sha256(WEIGHTS), "dest": "model.onnx"}],
    )
    example_repo.pin_local("1.11")
    example_repo.commit("local: 1.11 from a file URL")
    assert apply(cli, example_repo)[0] == 0
    assert (example_repo.served / "churn-model/11/model.onnx").read_bytes() == WEIGHTS


def test_an_https_url_is_verified_against_the_configured_ca_bundle(
    example_repo: GitRepo, cli: Cli
) -> None:
    ca = trustme.CA()
    ca.cert_pem.write_to_path(str(example_repo.path / "ca.pem"))
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_context)
    with serve(server_context) as store:
        store.routes["/churn/11/model.onnx"] = (200, WEIGHTS)
        url = f"{store.url}/churn/11/model.onnx"
        example_repo.add_version("1.11", 11, [{"url": url, "sha256": sha256(WEIGHTS)}])
        example_repo.pin_local("1.11")
        example_repo.commit("local: 1.11 over https, CA not configured")
        code, output = apply(cli, example_repo)
        assert code == 1
        assert "TLS verification failed" in output
        assert "spec.target.caBundle" in output

        example_repo.pin_local("1.11", target="caBundle: ca.pem")
        example_repo.commit("local: trust the test CA")
        assert apply(cli, example_repo)[0] == 0
    assert (example_repo.served / "churn-model/11/model.onnx").read_bytes() == WEIGHTS


def test_an_unreachable_url_fails_clearly_and_keeps_the_previous_version(
    example_repo: GitRepo, cli: Cli
) -> None:
    assert apply(cli, example_repo)[0] == 0
    before = folder_digests(example_repo.served)
    with serve() as gone:
        url = f"{gone.url.replace('http:', 'https:')}/model.onnx"  # port now closed
    example_repo.add_version("1.11", 11, [{"url": url, "sha256": sha256(WEIGHTS)}])
    example_repo.pin_local("1.11")
    example_repo.commit("local: 1.11 from a server that is down")
    code, output = apply(cli, example_repo)
    assert code == 1
    assert f"{url}: download failed" in output
    assert "Traceback" not in output
    assert folder_digests(example_repo.served) == before


def test_a_git_lfs_pointer_is_named_as_such(example_repo: GitRepo, cli: Cli) -> None:
    pointer = (
        "version https://git-lfs.github.com/spec/v1\n"
        f"oid sha256:{sha256(WEIGHTS)}\nsize {len(WEIGHTS)}\n"
    )
    example_repo.write("artifacts/churn-model/1.11/model.onnx", pointer)
    example_repo.add_version(
        "1.11",
        11,
        [{"path": "artifacts/churn-model/1.11/model.onnx", "sha256": sha256(WEIGHTS)}],
    )
    example_repo.pin_local("1.11")
    example_repo.commit("local: 1.11 whose artifact is an LFS pointer")
    code, output = apply(cli, example_repo)
    assert code == 1
    assert "model.onnx is a Git LFS pointer, not the file itself" in output
    assert not example_repo.served.exists()


def test_a_wrong_digest_installs_nothing(example_repo: GitRepo, cli: Cli) -> None:
    example_repo.add_version(
        "1.11",
        11,
        [
            {"path": "artifacts/churn-model/1.10/model.json", "sha256": "cd" * 32},
        ],
    )
    example_repo.pin_local("1.11")
    example_repo.commit("local: 1.11 with a wrong digest")
    code, output = apply(cli, example_repo)
    assert code == 1
    assert f"expected {'cd' * 32}" in output
    assert not (example_repo.served / "churn-model/11").exists()
    staging = example_repo.state_file.parent / "staging"
    assert not staging.exists() or not any(staging.iterdir())
