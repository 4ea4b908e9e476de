"""Run workflows under act (host mode) and read what their steps reported.

act runs each job on this machine with no Docker. Third-party actions are served
from local stubs through ``--local-repository``; the gitops-ml action is served from
a clean copy of the project's tracked files. ``--json`` gives the step outputs, job
summaries, annotations and job results as JSON lines.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.action.tools import PROJECT

ACTION_REF = "gitops-ml/gitops-ml@" + "0" * 40
CHECKOUT_REF = "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683"
APP_TOKEN_REF = (
    "actions/create-github-app-token@df432ceedc7162793a195dd1713ff69aefc7379e"
)
AZURE_LOGIN_REF = "azure/login@a457da9ea143d694b1b9c7c869ebb04ebe844ef5"
APP_TOKEN = "ghs_apptokenFAKE0123456789"

STUBS = {
    # the workspace already is the checkout (act binds it)
    CHECKOUT_REF: "",
    AZURE_LOGIN_REF: "",
    APP_TOKEN_REF: f'echo "token={APP_TOKEN}" >> "$GITHUB_OUTPUT"',
}


def clean_copy(destination: Path) -> Path:
    """The project's tracked (and new, not ignored) files, as a git repository."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = PROJECT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=destination, check=True)
    subprocess.run(["git", "add", "-A"], cwd=destination, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "copy"], cwd=destination, check=True)
    return destination


STUB = """name: stub
description: stands in for NAME in tests
outputs:
  token:
    description: a fake token
    value: ${{ steps.stub.outputs.token }}
runs:
  using: composite
  steps:
    - id: stub
      shell: bash
      run: SCRIPT
"""


def write_stubs(folder: Path) -> dict[str, Path]:
    """A composite action per third-party action the workflows use."""
    mapping = {}
    for ref, script in STUBS.items():
        stub = folder / ref.replace("/", "_").replace("@", "_")
        stub.mkdir(parents=True, exist_ok=True)
        text = STUB.replace("NAME", ref).replace("SCRIPT", json.dumps(script or "true"))
        (stub / "action.yml").write_text(text)
        mapping[ref] = stub
    return mapping


@dataclass
class ActRun:
    returncode: int
    events: list[dict[str, Any]]
    stderr: str

    def outputs(self, step_id: str, job: str | None = None) -> dict[str, str]:
        """Outputs a step set, by name (last value wins)."""
        found: dict[str, str] = {}
        for event in self._in(job):
            if event.get("command") == "set-output" and step_id in event.get(
                "stepID", []
            ):
                found[event["name"]] = event.get("arg", "")
        return found

    def summaries(self, job: str | None = None) -> str:
        return "".join(
            e.get("content", "") for e in self._in(job) if e.get("command") == "summary"
        )

    def annotations(self, job: str | None = None) -> list[dict[str, Any]]:
        return [
            e
            for e in self._in(job)
            if e.get("command") in ("error", "warning", "notice")
        ]

    def job_results(self) -> dict[str, str]:
        results: dict[str, str] = {}
        for event in self.events:
            if "jobResult" in event:
                key = event.get("jobID", "")
                if event.get("matrix"):
                    key += " " + ",".join(map(str, event["matrix"].values()))
                results[key] = event["jobResult"]
        return results

    def log(self) -> str:
        return "".join(str(e.get("msg", "")) for e in self.events) + self.stderr

    def _in(self, job: str | None) -> list[dict[str, Any]]:
        return [e for e in self.events if job is None or e.get("jobID") == job]


@dataclass
class Act:
    binary: str
    home: Path
    repositories: Mapping[str, Path]
    env: dict[str, str] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)

    def run(
        self,
        workspace: Path,
        event_name: str,
        workflow: Path,
        event: dict[str, Any],
        job: str | None = None,
    ) -> ActRun:
        event_file = self.home / f"event-{event_name}.json"
        event_file.write_text(json.dumps(event))
        command = [
            self.binary,
            event_name,
            "-W",
            str(workflow),
            "-e",
            str(event_file),
            "-P",
            "ubuntu-latest=-self-hosted",
            "--no-cache-server",
            "--json",
        ]
        if job:
            command += ["-j", job]
        for ref, path in self.repositories.items():
            command += ["--local-repository", f"{ref}={path}"]
        for flag, pairs in (
            ("--env", self.env),
            ("-s", self.secrets),
            ("--var", self.variables),
        ):
            for key, value in pairs.items():
                command += [flag, f"{key}={value}"]
        environ = {
            "HOME": str(self.home),
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "DOCKER_HOST": "unix:///nonexistent.sock",
        }
        result = subprocess.run(
            command,
            cwd=workspace,
            env=environ,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
            timeout=900,
        )
        events = [
            json.loads(line)
            for line in result.stdout.splitlines()
            if line.startswith("{")
        ]
        return ActRun(result.returncode, events, result.stderr)
