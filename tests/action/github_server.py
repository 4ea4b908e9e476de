"""A small fake of GitHub's REST API on 127.0.0.1, checked against the OpenAPI contract.

Workflows under act run in other processes, so the fake is a real HTTP server. Every
request must be an operation of the contract with a JSON body valid for its request
schema; every reply is validated against its response schema. Anything else is kept
in ``violations`` (and answered 400), and tests assert there are none. It keeps the
check runs it is sent; operations it does not fake are answered 501 and recorded.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from openapi_schema_validator import OAS30Validator

CONTRACT = (
    Path(__file__).resolve().parent.parent
    / "fixtures"
    / "github"
    / "github-rest-openapi-subset.json"
)
METHODS = ("get", "post", "patch", "put", "delete")
Reply = tuple[int, Any]


class Contract:
    def __init__(self, path: Path = CONTRACT) -> None:
        self.document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        _relax(self.document)
        self.operations: list[tuple[str, re.Pattern[str], dict[str, Any]]] = []
        for template, item in self.document["paths"].items():
            pattern = re.compile(re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template))
            for method in METHODS:
                if method in item:
                    self.operations.append((method.upper(), pattern, item[method]))
        self.operations.sort(key=lambda op: op[1].pattern.count("(?P"))

    def match(self, method: str, path: str) -> tuple[dict[str, Any], dict[str, str]]:
        for op_method, pattern, spec in self.operations:
            found = pattern.fullmatch(path)
            if op_method == method and found:
                return spec, found.groupdict()
        raise LookupError(f"{method} {path} is not in the contract")

    def request_errors(self, spec: dict[str, Any], body: Any) -> list[str]:
        if "requestBody" not in spec:
            return [] if body is None else ["this operation takes no body"]
        schema = spec["requestBody"]["content"]["application/json"]["schema"]
        return self._schema_errors(schema, body)

    def response_errors(
        self, spec: dict[str, Any], status: int, body: Any
    ) -> list[str]:
        reply = spec["responses"].get(str(status))
        if reply is None:
            return [f"status {status} is not a documented reply"]
        content = reply.get("content", {}).get("application/json")
        return self._schema_errors(content["schema"], body) if content else []

    def _schema_errors(self, schema: dict[str, Any], value: Any) -> list[str]:
        root = {"components": self.document["components"], **schema}
        return [e.message[:200] for e in OAS30Validator(root).iter_errors(value)]


def _relax(node: Any) -> None:
    """Read the file the way GitHub means it.

    Upstream maps discriminator values to schemas the file does not define, and a
    nullable enum accepts null, which the validator only allows when null is listed.
    """
    if isinstance(node, dict):
        node.pop("discriminator", None)
        if node.get("nullable") and "enum" in node and None not in node["enum"]:
            node["enum"] = [*node["enum"], None]
        for value in node.values():
            _relax(value)
    elif isinstance(node, list):
        for value in node:
            _relax(value)


@dataclass
class FakeGitHub:
    owner: str = "acme"
    repo: str = "models"
    contract: Contract = field(default_factory=Contract)
    check_runs: dict[int, dict[str, Any]] = field(default_factory=dict)
    requests: list[tuple[str, str, Any]] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def handle(self, method: str, path: str, body: Any) -> Reply:
        self.requests.append((method, path, body))
        try:
            spec, params = self.contract.match(method, path)
        except LookupError as exc:
            self.violations.append(str(exc))
            return 404, {"message": "Not Found"}
        problems = self.contract.request_errors(spec, body)
        if problems:
            self.violations.append(f"{method} {path}: {problems}")
            return 400, {"message": "; ".join(problems)}
        name = re.sub(r"[/-]", "_", spec["operationId"])
        handler = getattr(self, f"_{name}", None)
        if handler is None:
            self.violations.append(f"{method} {path}: not faked")
            return 501, {"message": f"{spec['operationId']} is not faked"}
        status, reply = handler(params, body)
        problems = self.contract.response_errors(spec, status, reply)
        if problems:
            self.violations.append(f"reply to {method} {path}: {problems}")
        return status, reply

    # -- check runs ---------------------------------------------------------------

    def _checks_create(self, params: dict[str, str], body: Any) -> Reply:
        if len((body.get("output") or {}).get("annotations", [])) > 50:
            return 422, {"message": "No more than 50 items are allowed"}
        run_id = next(self._ids)
        run = self._new_run(run_id, body)
        self.check_runs[run_id] = run
        return 201, self._reply(run)

    def _checks_update(self, params: dict[str, str], body: Any) -> Reply:
        run = self.check_runs.get(int(params["check_run_id"]))
        if run is None:
            return 404, {"message": "Not Found"}
        annotations = (body.get("output") or {}).get("annotations", [])
        if len(annotations) > 50:
            return 422, {"message": "No more than 50 items are allowed"}
        run["annotations"] += annotations
        run.update({k: v for k, v in body.items() if k != "output"})
        if "conclusion" in body:
            run["status"] = "completed"
        if "output" in body:
            run["output"] = {**body["output"], "annotations_count": 0}
        return 200, self._reply(run)

    def _checks_list_for_ref(self, params: dict[str, str], body: Any) -> Reply:
        runs = [r for r in self.check_runs.values() if r["head_sha"] == params["ref"]]
        return 200, {
            "total_count": len(runs),
            "check_runs": [self._reply(r) for r in runs],
        }

    def _new_run(self, run_id: int, body: dict[str, Any]) -> dict[str, Any]:
        status = "completed" if "conclusion" in body else body.get("status", "queued")
        base = f"http://127.0.0.1/repos/{self.owner}/{self.repo}"
        return {
            "id": run_id,
            "node_id": f"CR_{run_id}",
            "head_sha": body["head_sha"],
            "name": body["name"],
            "url": f"{base}/check-runs/{run_id}",
            "html_url": f"https://github.com/{self.owner}/{self.repo}/runs/{run_id}",
            "details_url": body.get("details_url"),
            "status": status,
            "conclusion": body.get("conclusion"),
            "started_at": body.get("started_at"),
            "completed_at": body.get("completed_at"),
            "external_id": body.get("external_id"),
            "check_suite": {"id": 1},
            "output": {**body.get("output", {}), "annotations_count": 0},
            "app": None,
            "pull_requests": [],
            "annotations": list((body.get("output") or {}).get("annotations", [])),
        }

    @staticmethod
    def _reply(run: dict[str, Any]) -> dict[str, Any]:
        reply = {k: v for k, v in run.items() if k != "annotations"}
        output = dict(reply["output"])
        output.pop("annotations", None)
        output["annotations_count"] = len(run["annotations"])
        output.setdefault("title", None)
        output.setdefault("summary", None)
        output.setdefault("text", None)
        output["annotations_url"] = f"{run['url']}/annotations"
        reply["output"] = output
        return reply


class _Handler(BaseHTTPRequestHandler):
    fake: FakeGitHub

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        path = urlsplit(self.path).path.removeprefix("/api/v3")
        status, reply = self.fake.handle(self.command, path, body)
        data = json.dumps(reply).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:
        return


class GitHubServer:
    """Serve a :class:`FakeGitHub` on 127.0.0.1 in a background thread."""

    def __init__(self, fake: FakeGitHub) -> None:
        handler = type("Handler", (_Handler,), {"fake": fake})
        self.fake = fake
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> GitHubServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()
