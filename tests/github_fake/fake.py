"""A stateful fake of the part of GitHub's REST API the product uses.

It is served through ``responses`` callbacks: every request is matched to an
operation of the published contract, its JSON body is validated against the request
schema, and the reply is validated against the response schema. Anything outside the
contract is recorded as a violation and answered 400; tests assert there are none.

Limits the schema does not state (50 annotations per request, 65,535 characters of
summary/text, 3 actions) are answered 422 the way GitHub does. Rate limits and token
kinds (GitHub App, personal token, a fork's read-only token) are scenarios a test sets.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import git
import responses

from . import factories as f
from .contract import Contract, Operation, load

Reply = tuple[int, dict[str, str], Any]
TEXT_LIMIT = 65_535
DOCS = "https://docs.github.com/rest"
RATE_DOCS = f"{DOCS}/overview/rate-limits-for-the-rest-api"


@dataclass
class Call:
    method: str
    path: str
    operation_id: str
    status: int
    body: Any = None

    @property
    def is_write(self) -> bool:
        return self.method != "GET"


@dataclass
class Fault:
    """A reply sent instead of the real one to the next matching requests."""

    status: int
    headers: dict[str, str]
    body: dict[str, Any]
    operation_id: str | None = None
    times: int = 1


@dataclass
class FakeGitHub:
    api_url: str = "https://github.example.test/api/v3"
    owner: str = "acme"
    name: str = "models"
    token: str = "ghs_TESTTOKEN0123456789"
    token_kind: str = "app"  # app | pat | fork
    origin: Path | None = None  # a bare git repo holding the branches
    contract: Contract = field(default_factory=load)
    calls: list[Call] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    refs: dict[str, str] = field(default_factory=dict)
    pulls: dict[int, dict[str, Any]] = field(default_factory=dict)
    check_runs: dict[int, dict[str, Any]] = field(default_factory=dict)
    annotations: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    statuses: list[dict[str, Any]] = field(default_factory=list)
    comments: dict[int, dict[str, Any]] = field(default_factory=dict)
    _ids: Iterator[int] = field(default_factory=lambda: iter(range(1001, 10**9)))

    # --- wiring -------------------------------------------------------------

    def register(self, mock: responses.RequestsMock) -> None:
        parts = urlsplit(self.api_url)
        url = re.compile(
            f"{re.escape(parts.scheme)}://{re.escape(parts.hostname or '')}(:\\d+)?"
            f"{re.escape(parts.path)}(/.*)?$"
        )
        for method in ("GET", "POST", "PATCH", "PUT", "DELETE"):
            mock.add_callback(method, url, callback=self.serve)

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def requests_for(self, operation_id: str) -> list[Call]:
        return [c for c in self.calls if c.operation_id == operation_id]

    # --- scenarios ------------------------------------------------------------

    def primary_rate_limit(self, reset: int, operation_id: str | None = None) -> None:
        self.faults.append(
            Fault(
                403,
                {
                    "x-ratelimit-limit": "5000",
                    "x-ratelimit-remaining": "0",
                    "x-ratelimit-used": "5000",
                    "x-ratelimit-reset": str(reset),
                    "x-ratelimit-resource": "core",
                },
                {
                    "message": "API rate limit exceeded for installation ID 1.",
                    "documentation_url": RATE_DOCS,
                },
                operation_id,
            )
        )

    def secondary_rate_limit(
        self, retry_after: int, operation_id: str | None = None, times: int = 1
    ) -> None:
        self.faults.append(
            Fault(
                403,
                {"retry-after": str(retry_after)},
                {
                    "message": "You have exceeded a secondary rate limit and have been "
                    "temporarily blocked from content creation. Please retry your "
                    "request again later.",
                    "documentation_url": RATE_DOCS,
                },
                operation_id,
                times,
            )
        )

    # --- dispatch -------------------------------------------------------------

    def serve(self, request: Any) -> Reply:
        """Answer one request (``method``, ``url``, ``headers``, ``body``)."""
        parts = urlsplit(request.url)
        base_path = urlsplit(self.api_url).path
        path = parts.path[len(base_path) :] if parts.path.startswith(base_path) else ""
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        operation = self.contract.match(request.method, path)
        if operation is None:
            return self._violation(f"{request.method} {path} is not in the contract")
        body = json.loads(request.body) if request.body else None
        if operation.operation_id in ("checks/create", "checks/update"):
            limited = self._limits(body or {})  # GitHub answers these 422
            if limited:
                self.calls.append(
                    Call(request.method, path, operation.operation_id, limited[0], body)
                )
                return limited[0], {}, json.dumps(limited[2])
        problem = self._check_request(operation, request, body)
        if problem:
            return self._violation(problem)
        status, headers, reply = self._answer(operation, path, query, body, request)
        problem = self._check_reply(operation, status, reply)
        if problem:
            return self._violation(problem)
        self.calls.append(
            Call(request.method, path, operation.operation_id, status, body)
        )
        headers = {"content-type": "application/json; charset=utf-8", **headers}
        return status, headers, json.dumps(reply) if reply is not None else ""

    def _violation(self, text: str) -> Reply:
        self.violations.append(text)
        return (
            400,
            {"content-type": "application/json"},
            json.dumps({"message": f"fake GitHub: {text}", "documentation_url": DOCS}),
        )

    def _check_request(self, operation: Operation, request: Any, body: Any) -> str:
        schema = self.contract.request_schema(operation)
        if body is not None and schema is None:
            return f"{operation.operation_id} takes no body"
        if schema is not None and body is not None:
            errors = self.contract.errors(schema, body)
            if errors:
                return f"{operation.operation_id} request: {'; '.join(errors[:3])}"
        if operation.spec.get("requestBody", {}).get("required") and body is None:
            return f"{operation.operation_id} needs a body"
        return ""

    def _check_reply(self, operation: Operation, status: int, reply: Any) -> str:
        schema = self.contract.response_schema(operation, status)
        if schema is None:
            schema = self.contract.component("basic-error") if status >= 400 else None
        if schema is None or reply is None:
            return ""
        errors = self.contract.errors(schema, reply)
        return (
            f"{operation.operation_id} reply {status}: {'; '.join(errors[:3])}"
            if errors
            else ""
        )

    def _answer(
        self, op: Operation, path: str, query: dict[str, str], body: Any, request: Any
    ) -> Reply:
        denied = self._auth(request, op)
        if denied:
            return denied
        fault = self._fault(op)
        if fault:
            return fault
        handler: Callable[..., Reply] = getattr(
            self, "_" + re.sub(r"\W", "_", op.operation_id)
        )
        return handler(op.params(path), query, body)

    def _auth(self, request: Any, op: Operation) -> Reply | None:
        header = request.headers.get("Authorization", "")
        if header not in (f"token {self.token}", f"Bearer {self.token}"):
            return 401, {}, {"message": "Bad credentials", "documentation_url": DOCS}
        if op.method == "GET":
            return None
        if self.token_kind == "fork":
            return (
                403,
                {},
                {
                    "message": "Resource not accessible by integration",
                    "documentation_url": DOCS,
                },
            )
        if self.token_kind == "pat" and op.operation_id.startswith("checks/"):
            return (
                403,
                {},
                {
                    "message": "You must authenticate via a GitHub App.",
                    "documentation_url": DOCS,
                },
            )
        return None

    def _fault(self, op: Operation) -> Reply | None:
        for fault in self.faults:
            if fault.operation_id in (None, op.operation_id) and fault.times > 0:
                fault.times -= 1
                return fault.status, fault.headers, fault.body
        return None

    # --- repository and refs --------------------------------------------------

    def _repos_get(
        self, params: dict[str, str], query: dict[str, str], body: Any
    ) -> Reply:
        return 200, {}, f.repository(self.contract, self.api_url, self.owner, self.name)

    def branch_sha(self, branch: str) -> str | None:
        if self.origin is not None:
            repo = git.Repo(self.origin)
            try:
                return repo.commit(f"refs/heads/{branch}").hexsha
            except (git.BadName, ValueError):
                return None
        return self.refs.get(f"refs/heads/{branch}")

    def _git_ref(self, ref: str, sha: str) -> dict[str, Any]:
        url = f"{self.api_url}/repos/{self.full_name}/git/{ref}"
        return f.build(
            self.contract,
            "git-ref",
            ref=ref,
            node_id="REF_" + ref,
            url=url,
            object={"type": "commit", "sha": sha, "url": url},
        )

    def _git_get_ref(
        self, params: dict[str, str], query: dict[str, str], body: Any
    ) -> Reply:
        ref = "refs/" + params["ref"]
        sha = self.branch_sha(ref.removeprefix("refs/heads/")) or self.refs.get(ref)
        if sha is None:
            return 404, {}, {"message": "Not Found", "documentation_url": DOCS}
        return 200, {}, self._git_ref(ref, sha)

    def _git_create_ref(
        self, params: dict[str, str], query: dict[str, str], body: Any
    ) -> Reply:
        if body["ref"] in self.refs:
            return (
                422,
                {},
                {"message": "Reference already exists", "documentation_url": DOCS},
            )
        self.refs[body["ref"]] = body["sha"]
        return 201, {}, self._git_ref(body["ref"], body["sha"])

    def _git_update_ref(
        self, params: dict[str, str], query: dict[str, str], body: Any
    ) -> Reply:
        ref = "refs/" + params["ref"]
        if ref not in self.refs:
            return (
                422,
                {},
                {"message": "Reference does not exist", "documentation_url": DOCS},
            )
        self.refs[ref] = body["sha"]
        return 200, {}, self._git_ref(ref, body["sha"])

    def _git_delete_ref(
        self, params: dict[str, str], query: dict[str, str], body: Any
    ) -> Reply:
        self.refs.pop("refs/" + params["ref"], None)
        return 204, {}, None

    # --- pull requests --------------------------------------------------------

    def _pull(self, number: int) -> dict[str, Any]:
        pr = self.pulls[number]
        repo = f.repository(self.contract, self.api_url, self.owner, self.name)
        head_sha = self.branch_sha(pr["head"]) or pr["head_sha"]
        api = f"{self.api_url}/repos/{self.full_name}"
        return f.build(
            self.contract,
            "pull-request",
            id=number * 10,
            number=number,
            state=pr["state"],
            title=pr["title"],
            body=pr["body"],
            draft=pr["draft"],
            url=f"{api}/pulls/{number}",
            html_url=f"{f.HTML}/{self.full_name}/pull/{number}",
            issue_url=f"{api}/issues/{number}",
            user=f.user(self.contract, "gitops-ml[bot]"),
            head={
                "ref": pr["head"],
                "sha": head_sha,
                "label": f"{self.owner}:{pr['head']}",
                "repo": repo,
                "user": f.user(self.contract, self.owner),
            },
            base={
                "ref": pr["base"],
                "sha": self.branch_sha(pr["base"]) or "0" * 40,
                "label": f"{self.owner}:{pr['base']}",
                "repo": repo,
                "user": f.user(self.contract, self.owner),
            },
        )

    def _pulls_list(
        self, params: dict[str, str], query: dict[str, str], body: Any
    ) -> Reply:
        state = query.get("state", "open")
        head = query.get("head")
        found = [
            self._pull(n)
            for n, pr in sorted(self.pulls.items())
            if state in ("all", pr["state"])
            and (head is None or head == f"{self.owner}:{pr['head']}")
            and ("base" not in query or query["base"] == pr["base"])
        ]
        return 200, {}, found

    def _pulls_create(
        self, params: dict[str, str], query: dict[str, str], body: Any
    ) -> Reply:
        head = body["head"].split(":")[-1]
        for pr in self.pulls.values():
            if pr["head"] == head and pr["state"] == "open":
                return (
                    422,
                    {},
                    {
                        "message": "Validation Failed",
                        "errors": [
                            {
                                "resource": "PullRequest",
                                "code": "custom",
                                "message": f"A pull request already exists for "
                                f"{self.owner}:{head}.",
                            }
                        ],
                        "documentation_url": DOCS,
                    },
                )
        sha = self.branch_sha(head)
        if sha is None:
            return (
                422,
                {},
                {
                    "message": "Validation Failed",
                    "errors": [
                        {"resource": "PullRequest", "field": "head", "code": "invalid"}
                    ],
                    "documentation_url": DOCS,
                },
            )
        number = len(self.pulls) + 1
        self.pulls[number] = {
            "head": head,
            "base": body["base"],
            "title": body["title"],
            "body": body.get("body"),
            "draft": body.get("draft", False),
            "state": "open",
            "head_sha": sha,
        }
        return 201, {}, self._pull(number)

    def _pulls_get(
        self, params: dict[str, str], query: dict[str, str], body: Any
    ) -> Reply:
        number = int(params["pull_number"])
        if number not in self.pulls:
            return 404, {}, {"message": "Not Found", "documentation_url": DOCS}
        return 200, {}, self._pull(number)

    def _pulls_update(
        self, params: dict[str, str], query: dict[str, str], body: Any
    ) -> Reply:
        number = int(params["pull_number"])
        for key in ("title", "body", "state", "base"):
            if key in body:
                self.pulls[number][key] = body[key]
        return 200, {}, self._pull(number)

    # --- check runs -----------------------------------------------------------

    def _limits(self, body: dict[str, Any]) -> Reply | None:
        output = body.get("output") or {}
        supplied = len(output.get("annotations") or [])
        if supplied > 50:
            return self._invalid(
                f"No more than 50 items are allowed; {supplied} were supplied."
            )
        for key in ("summary", "text"):
            text = output.get(key) or ""
            if len(text) > TEXT_LIMIT or len(text.encode()) > TEXT_LIMIT:
                return self._invalid(
                    f"output.{key} is too long (maximum is 65535 characters)"
                )
        if len(body.get("actions") or []) > 3:
            return self._invalid("No more than 3 items are allowed; actions")
        return None

    def _invalid(self, text: str) -> Reply:
        return (
            422,
            {},
            {"message": f"Invalid request.\n\n{text}", "documentation_url": DOCS},
        )

    def _check_run(self, run_id: int) -> dict[str, Any]:
        run = self.check_runs[run_id]
        api = f"{self.api_url}/repos/{self.full_name}/check-runs/{run_id}"
        output = run["output"]
        return f.build(
            self.contract,
            "check-run",
            id=run_id,
            name=run["name"],
            head_sha=run["head_sha"],
            status=run["status"],
            conclusion=run["conclusion"],
            external_id=run.get("external_id"),
            details_url=run.get("details_url"),
            started_at=run.get("started_at"),
            completed_at=run.get("completed_at"),
            url=api,
            html_url=f"{f.HTML}/{self.full_name}/runs/{run_id}",
            output={
                "title": output.get("title"),
                "summary": output.get("summary"),
                "text": output.get("text"),
                "annotations_count": len(self.annotations[run_id]),
                "annotations_url": f"{api}/annotations",
            },
            check_suite={"id": 1},
            app=None,
        )

    def _apply_run(self, run_id: int, body: dict[str, Any]) -> None:
        run = self.check_runs[run_id]
        for key in (
            "name",
            "details_url",
            "external_id",
            "status",
            "started_at",
            "completed_at",
            "head_sha",
        ):
            if key in body:
                run[key] = body[key]
        if "conclusion" in body:
            run["conclusion"] = body["conclusion"]
            run["status"] = "completed"
        output = dict(body.get("output") or {})
        self.annotations[run_id].extend(output.pop("annotations", None) or [])
        run["output"].update(output)

    def _checks_create(
        self, params: dict[str, str], query: dict[str, str], body: Any
    ) -> Reply:
        run_id = next(self._ids)
        self.check_runs[run_id] = {
            "name": body["name"],
            "head_sha": body["head_sha"],
            "status": "queued",
            "conclusion": None,
            "output": {},
        }
        self.annotations[run_id] = []
        self._apply_run(run_id, body)
        return 201, {}, self._check_run(run_id)

    def _checks_update(
        self, params: dict[str, str], query: dict[str, str], body: Any
    ) -> Reply:
        run_id = int(params["check_run_id"])
        if run_id not in self.check_runs:
            return 404, {}, {"message": "Not Found", "documentation_url": DOCS}
        self._apply_run(run_id, body)
        return 200, {}, self._check_run(run_id)

    def _checks_get(
        self, params: dict[str, str], query: dict[str, str], body: Any
    ) -> Reply:
        return 200, {}, self._check_run(int(params["check_run_id"]))

    def _checks_list_for_ref(
        self, params: dict[str, str], query: dict[str, str], body: Any
    ) -> Reply:
        runs = [
            self._check_run(run_id)
            for run_id, run in sorted(self.check_runs.items(), reverse=True)
            if run["head_sha"] == params["ref"]
            and query.get("check_name", run["name"]) == run["name"]
        ]
        page, headers = self._page(runs, query, f"commits/{params['ref']}/check-runs")
        return 200, headers, {"total_count": len(runs), "check_runs": page}

    def _checks_list_annotations(
        self, params: dict[str, str], query: dict[str, str], body: Any
    ) -> Reply:
        run_id = int(params["check_run_id"])
        items = [
            f.deep_merge(
                f.build(self.contract, "check-annotation"),
                {
                    "path": a["path"],
                    "start_line": a["start_line"],
                    "end_line": a["end_line"],
                    "start_column": a.get("start_column"),
                    "end_column": a.get("end_column"),
                    "annotation_level": a["annotation_level"],
                    "title": a.get("title"),
                    "message": a["message"],
                    "raw_details": a.get("raw_details"),
                    "blob_href": f"{f.HTML}/blob",
                },
            )
            for a in self.annotations[run_id]
        ]
        page, headers = self._page(items, query, f"check-runs/{run_id}/annotations")
        return 200, headers, page

    def _page(
        self, items: list[Any], query: dict[str, str], tail: str
    ) -> tuple[list[Any], dict[str, str]]:
        per_page = int(query.get("per_page", 30))
        page = int(query.get("page", 1))
        chunk = items[(page - 1) * per_page : page * per_page]
        if page * per_page >= len(items):
            return chunk, {}
        url = f"{self.api_url}/repos/{self.full_name}/{tail}?per_page={per_page}"
        last = -(-len(items) // per_page)
        link = f'<{url}&page={page + 1}>; rel="next", <{url}&page={last}>; rel="last"'
        return chunk, {"link": link}

    # --- commit statuses and comments -----------------------------------------

    def _repos_create_commit_status(
        self, params: dict[str, str], query: dict[str, str], body: Any
    ) -> Reply:
        status = f.build(
            self.contract,
            "status",
            id=len(self.statuses) + 1,
            state=body["state"],
            description=body.get("description"),
            context=body.get("context", "default"),
            target_url=body.get("target_url"),
            creator=f.user(self.contract, "someone"),
        )
        self.statuses.append({**status, "sha": params["sha"]})
        return 201, {}, status

    def _repos_get_combined_status_for_ref(
        self, params: dict[str, str], query: dict[str, str], body: Any
    ) -> Reply:
        mine = [
            {k: v for k, v in s.items() if k != "sha"}
            for s in self.statuses
            if s["sha"] == params["ref"]
        ]
        combined = f.build(
            self.contract,
            "combined-commit-status",
            sha=params["ref"],
            statuses=[
                f.build(
                    self.contract,
                    "simple-commit-status",
                    **{
                        k: s[k]
                        for k in ("state", "context", "description", "target_url", "id")
                    },
                )
                for s in mine
            ],
            total_count=len(mine),
            state="success",
        )
        return 200, {}, combined

    def _comment(self, comment_id: int) -> dict[str, Any]:
        item = self.comments[comment_id]
        api = f"{self.api_url}/repos/{self.full_name}/issues/comments/{comment_id}"
        return f.build(
            self.contract,
            "issue-comment",
            id=comment_id,
            body=item["body"],
            url=api,
            html_url=f"{f.HTML}/c/{comment_id}",
            issue_url=f"{self.api_url}/repos/{self.full_name}/issues/{item['issue']}",
            user=f.user(self.contract, "gitops-ml[bot]"),
        )

    def _issues_create_comment(
        self, params: dict[str, str], query: dict[str, str], body: Any
    ) -> Reply:
        comment_id = next(self._ids)
        self.comments[comment_id] = {
            "issue": int(params["issue_number"]),
            "body": body["body"],
        }
        return 201, {}, self._comment(comment_id)

    def _issues_list_comments(
        self, params: dict[str, str], query: dict[str, str], body: Any
    ) -> Reply:
        issue = int(params["issue_number"])
        items = [
            self._comment(i) for i, c in self.comments.items() if c["issue"] == issue
        ]
        return 200, {}, items

    def _issues_update_comment(
        self, params: dict[str, str], query: dict[str, str], body: Any
    ) -> Reply:
        comment_id = int(params["comment_id"])
        self.comments[comment_id]["body"] = body["body"]
        return 200, {}, self._comment(comment_id)
