"""A stateful fake of the Azure ML online-endpoint service, served by ``responses``.

It keeps endpoints, deployments and operations in memory and answers the ARM REST
calls azure-ai-ml makes (paths and bodies as observed with the released SDK), with the
service's own rules: full-replacement PUTs, traffic checks, one mutation per endpoint at
a time, "can't delete a deployment with traffic", defaults and normalisation on write,
asynchronous operations polled through ``mfeOperationsStatus`` URLs.

Scenarios are set on the instance (``fail_deployment``, ``stall_deployment``,
``stale_reads``, ``fault``...); ``requests`` records every call for assertions.
"""

from __future__ import annotations

import copy
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import responses

ARM = "https://management.azure.com"
SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"
PROVIDER = "Microsoft.MachineLearningServices"

PROBE_DEFAULTS = {
    "initialDelay": "PT10S",
    "period": "PT10S",
    "timeout": "PT2S",
    "successThreshold": 1,
    "failureThreshold": 30,
}
REQUEST_DEFAULTS = {
    "requestTimeout": "PT5S",
    "maxConcurrentRequestsPerInstance": 1,
    "maxQueueWait": "PT0.5S",
}
BUSY = {"creating", "updating", "deleting", "scaling"}
Reply = tuple[int, dict[str, str], str]


@dataclass
class Call:
    """One request the fake answered."""

    method: str
    path: str
    api_version: str
    body: Any
    status: int
    moved: bool = False  # an endpoint PUT that created it or changed its traffic

    @property
    def write(self) -> bool:
        if self.method == "POST":
            return not self.path.endswith(("/getLogs", "/listKeys"))
        return self.method in {"PUT", "PATCH", "DELETE"}

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


@dataclass
class Operation:
    """An asynchronous operation: InProgress for ``polls`` polls, then finished."""

    kind: str  # "put" or "delete"
    polls: int
    finish: Callable[[], dict[str, Any] | None]
    stalled: bool = False
    result: dict[str, Any] | None = None
    done: bool = False


@dataclass
class Fault:
    """An error answer for the next ``times`` requests matching method and path."""

    method: str
    path: re.Pattern[str]
    status: int
    code: str
    message: str
    times: int = 1
    headers: dict[str, str] = field(default_factory=dict)


class FakeAzureML:
    """One workspace of the Azure ML service."""

    def __init__(
        self,
        resource_group: str = "rg-ml-prod",
        workspace: str = "mlw-prod",
        location: str = "westeurope",
    ) -> None:
        self.location = location
        self.ws_path = (
            f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{resource_group}"
            f"/providers/{PROVIDER}/workspaces/{workspace}"
        )
        self.workspace_name = workspace
        self.endpoints: dict[str, dict[str, Any]] = {}
        self.deployments: dict[str, dict[str, dict[str, Any]]] = {}
        self.operations: dict[str, Operation] = {}
        self.models: set[tuple[str, str]] = set()
        self.environments: set[tuple[str, str]] = set()
        self.calls: list[Call] = []
        self.unplanned: list[str] = []
        self.faults: list[Fault] = []
        self.failing: dict[str, tuple[str, str, str]] = {}
        self.stalling: set[str] = set()
        self.polls_per_operation = 1
        self.stale_reads = 0
        self._stale: dict[str, dict[str, Any]] = {}
        self.auth_status: int | None = None
        self.busy_reads: dict[str, int] = {}
        self.on_stalled_poll: Callable[[], None] = lambda: None
        self._moved = False
        # Answer reads the way the real service varies its answers (see _vary_*).
        self.variations = False

    # ----- scenario set-up -------------------------------------------------------

    def add_model(self, name: str, version: str) -> None:
        self.models.add((name.lower(), version))

    def add_environment(self, name: str, version: str) -> None:
        self.environments.add((name.lower(), version))

    def fail_deployment(self, name: str, code: str, message: str, logs: str) -> None:
        """Deployment ``name`` fails provisioning with this error and these logs."""
        self.failing[name.lower()] = (code, message, logs)

    def busy_endpoint(self, name: str, reads: int) -> None:
        """Another client is updating ``name``: busy for the next ``reads`` GETs."""
        self.busy_reads[name.lower()] = reads

    def stall_deployment(self, name: str) -> None:
        """Deployment ``name`` stays Creating/Updating until ``release``."""
        self.stalling.add(name.lower())

    def release(self) -> None:
        """Let every stalled operation finish (ends pollers left running)."""
        self.stalling.clear()
        for operation in self.operations.values():
            operation.stalled = False
            operation.polls = 0

    def fault(
        self,
        method: str,
        path: str,
        status: int,
        *,
        times: int = 1,
        code: str = "",
        message: str = "",
        retry_after: str | None = None,
    ) -> None:
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        self.faults.append(
            Fault(
                method,
                re.compile(path),
                status,
                code or _default_code(status),
                message or f"fake error {status}",
                times,
                headers,
            )
        )

    def seed_endpoint(self, name: str, **properties: Any) -> dict[str, Any]:
        """Put an endpoint straight into the store (state before the test)."""
        body = self._endpoint_body(name, {"properties": {"authMode": "Key"}})
        body["properties"].update(properties)
        body["properties"]["provisioningState"] = "Succeeded"
        self.endpoints[name.lower()] = body
        self.deployments.setdefault(name.lower(), {})
        return body

    def seed_deployment(
        self, endpoint: str, name: str, model: str, **properties: Any
    ) -> dict[str, Any]:
        request = {
            "properties": {
                "model": model,
                "instanceType": "Standard_DS3_v2",
                "scaleSettings": {"scaleType": "Default"},
                "endpointComputeType": "Managed",
                **properties,
            },
            "sku": {"name": "Default", "capacity": 1},
        }
        body = self._deployment_body(endpoint, name, request)
        body["properties"]["provisioningState"] = "Succeeded"
        self.deployments[endpoint.lower()][name.lower()] = body
        return body

    def edit_deployment(
        self, endpoint: str, name: str, change: Callable[[dict[str, Any]], None]
    ) -> None:
        """A change made outside gitops-ml (the portal, the CLI)."""
        change(self.deployments[endpoint.lower()][name.lower()])

    def edit_endpoint(
        self, name: str, change: Callable[[dict[str, Any]], None]
    ) -> None:
        change(self.endpoints[name.lower()])

    # ----- what tests read -------------------------------------------------------

    @property
    def writes(self) -> list[str]:
        return [str(c) for c in self.calls if c.write]

    def answer(self, endpoint: str, name: str | None = None) -> dict[str, Any]:
        """What a GET of the endpoint (or of one of its deployments) returns."""
        if name is None:
            return self._read_endpoint(endpoint.lower())
        return self._read_deployment(self.deployments[endpoint.lower()][name.lower()])

    def traffic(self, endpoint: str) -> dict[str, int]:
        return dict(self.endpoints[endpoint.lower()]["properties"]["traffic"])

    def deployment_names(self, endpoint: str) -> list[str]:
        return sorted(self.deployments.get(endpoint.lower(), {}))

    def state(self, endpoint: str, name: str) -> str:
        body = self.deployments[endpoint.lower()][name.lower()]
        return str(body["properties"]["provisioningState"])

    # ----- wiring ----------------------------------------------------------------

    def install(self, mock: responses.RequestsMock) -> None:
        for method in ("GET", "PUT", "PATCH", "DELETE", "POST"):
            mock.add_callback(
                method, re.compile(re.escape(ARM) + r"/.*"), callback=self._handle
            )

    def _handle(self, request: Any) -> Reply:
        parts = urlsplit(request.url)
        query = parse_qs(parts.query)
        body = json.loads(request.body) if request.body else None
        self._moved = False
        reply = self._answer(request.method, parts.path, body)
        self.calls.append(
            Call(
                request.method,
                self._short(parts.path),
                query.get("api-version", [""])[0],
                body,
                reply[0],
                self._moved,
            )
        )
        return reply

    def _short(self, path: str) -> str:
        if path.startswith(self.ws_path):
            return path[len(self.ws_path) :].lstrip("/") or "workspace"
        match = re.search(r"/mfeOperations(?:Status|Results)/(.+)$", path)
        return f"operations/{match.group(1)}" if match else path

    def _answer(self, method: str, path: str, body: Any) -> Reply:
        if self.auth_status is not None:
            return _error(self.auth_status, _default_code(self.auth_status), "denied")
        for fault in self.faults:
            if fault.times and fault.method == method and fault.path.search(path):
                fault.times -= 1
                return _error(fault.status, fault.code, fault.message, fault.headers)
        for route_method, pattern, handler in self._routes():
            match = pattern.fullmatch(path)
            if route_method == method and match:
                return handler(body, **match.groupdict())
        self.unplanned.append(f"{method} {path}")
        return _error(404, "NoRoute", f"the fake has no route for {method} {path}")

    def _routes(self) -> list[tuple[str, re.Pattern[str], Callable[..., Reply]]]:
        ws = re.escape(self.ws_path)
        ep = ws + r"/onlineEndpoints/(?P<ep>[^/]+)"
        dep = ep + r"/deployments/(?P<dep>[^/]+)"
        ops = r"/subscriptions/[^/]+/providers/" + PROVIDER + r"/locations/[^/]+"
        return [
            ("GET", re.compile(ws), self._get_workspace),
            ("GET", re.compile(ws + r"/onlineEndpoints"), self._list_endpoints),
            ("GET", re.compile(ep), self._get_endpoint),
            ("PUT", re.compile(ep), self._put_endpoint),
            ("PATCH", re.compile(ep), self._patch_endpoint),
            ("DELETE", re.compile(ep), self._delete_endpoint),
            ("GET", re.compile(ep + r"/deployments"), self._list_deployments),
            ("GET", re.compile(dep), self._get_deployment),
            ("PUT", re.compile(dep), self._put_deployment),
            ("DELETE", re.compile(dep), self._delete_deployment),
            ("POST", re.compile(dep + r"/getLogs"), self._get_logs),
            (
                "GET",
                re.compile(ws + r"/models/(?P<name>[^/]+)/versions/(?P<version>[^/]+)"),
                self._get_model,
            ),
            (
                "GET",
                re.compile(
                    ws + r"/environments/(?P<name>[^/]+)/versions/(?P<version>[^/]+)"
                ),
                self._get_environment,
            ),
            (
                "GET",
                re.compile(ops + r"/mfeOperationsStatus/(?P<op>[^/]+)"),
                self._poll_status,
            ),
            (
                "GET",
                re.compile(ops + r"/mfeOperationsResults/(?P<op>[^/]+)"),
                self._poll_result,
            ),
        ]

    # ----- workspace and assets --------------------------------------------------

    def _get_workspace(self, _body: Any) -> Reply:
        return _ok(
            {
                "id": self.ws_path,
                "name": self.workspace_name,
                "type": f"{PROVIDER}/workspaces",
                "location": self.location,
                "properties": {"friendlyName": self.workspace_name},
            }
        )

    def _get_model(self, _body: Any, name: str, version: str) -> Reply:
        if (name.lower(), version) not in self.models:
            return _error(
                404, "UserError", f"Model container {name}:{version} not found"
            )
        return _ok(
            {
                "id": f"{self.ws_path}/models/{name}/versions/{version}",
                "name": version,
                "properties": {
                    "flavors": {},
                    "modelUri": f"azureml://{name}/{version}",
                },
            }
        )

    def _get_environment(self, _body: Any, name: str, version: str) -> Reply:
        if (name.lower(), version) not in self.environments:
            return _error(404, "UserError", f"Environment {name}:{version} not found")
        return _ok(
            {
                "id": f"{self.ws_path}/environments/{name}/versions/{version}",
                "name": version,
                "properties": {"image": "mcr.microsoft.com/azureml/minimal:latest"},
            }
        )

    # ----- endpoints -------------------------------------------------------------

    def _endpoint_id(self, name: str) -> str:
        return f"{self.ws_path}/onlineEndpoints/{name}"

    def _endpoint_body(self, name: str, request: dict[str, Any]) -> dict[str, Any]:
        props = copy.deepcopy(request.get("properties") or {})
        lower = name.lower()
        props["authMode"] = _auth_mode(props.get("authMode", "Key"))
        props.setdefault("publicNetworkAccess", "Enabled")
        props["traffic"] = {
            k.lower(): v for k, v in (props.get("traffic") or {}).items()
        }
        props["mirrorTraffic"] = {
            k.lower(): v for k, v in (props.get("mirrorTraffic") or {}).items()
        }
        props["scoringUri"] = (
            f"https://{lower}.{self.location}.inference.ml.azure.com/score"
        )
        props["swaggerUri"] = props["scoringUri"].replace("/score", "/swagger.json")
        props["properties"] = {
            **(props.get("properties") or {}),
            "azureml.onlineendpointid": self._endpoint_id(lower),
        }
        return {
            "id": self._endpoint_id(lower),
            "name": lower,
            "type": f"{PROVIDER}/workspaces/onlineEndpoints",
            "location": self.location,
            "kind": "Managed",
            "tags": dict(request.get("tags") or {}),
            "identity": request.get("identity")
            or {"type": "SystemAssigned", "principalId": str(uuid.uuid4())},
            "properties": props,
        }

    def _list_endpoints(self, _body: Any) -> Reply:
        values = [self._read_endpoint(name) for name in sorted(self.endpoints)]
        return _ok({"value": values})

    def _read_endpoint(self, name: str) -> dict[str, Any]:
        body = self._endpoint_as_stored(name)
        return self._vary_endpoint(body) if self.variations else body

    def _endpoint_as_stored(self, name: str) -> dict[str, Any]:
        if self.busy_reads.get(name):
            self.busy_reads[name] -= 1
            body = copy.deepcopy(self.endpoints[name])
            body["properties"]["provisioningState"] = "Updating"
            return body
        stale = self._stale.get(name)
        if stale is not None and stale["reads"] > 0:
            stale["reads"] -= 1
            body = copy.deepcopy(self.endpoints[name])
            body["properties"]["traffic"] = stale["traffic"]
            body["properties"]["mirrorTraffic"] = stale["mirror"]
            return body
        return copy.deepcopy(self.endpoints[name])

    def _get_endpoint(self, _body: Any, ep: str) -> Reply:
        if ep.lower() not in self.endpoints:
            return _not_found("online endpoint", ep)
        return _ok(self._read_endpoint(ep.lower()))

    def _put_endpoint(self, body: Any, ep: str) -> Reply:
        name = ep.lower()
        busy = self._endpoint_busy(name)
        if busy:
            return busy
        new = self._endpoint_body(ep, body)
        problem = self._check_traffic(name, new["properties"])
        if problem:
            return _error(400, "BadArgument", problem)
        old = self.endpoints.get(name)
        self._moved = old is None or any(
            old["properties"][key] != new["properties"][key]
            for key in ("traffic", "mirrorTraffic")
        )
        if old is not None:
            self._stale[name] = {
                "reads": self.stale_reads,
                "traffic": old["properties"]["traffic"],
                "mirror": old["properties"]["mirrorTraffic"],
            }
            new["identity"] = body.get("identity") or old["identity"]
        self.deployments.setdefault(name, {})
        final = copy.deepcopy(new)
        final["properties"]["provisioningState"] = "Succeeded"
        new["properties"]["provisioningState"] = (
            "Creating" if old is None else "Updating"
        )
        self.endpoints[name] = new

        def finish() -> dict[str, Any]:
            self.endpoints[name] = final
            return final

        return self._start(
            "put", "oeidp", new, finish, status=201 if old is None else 200
        )

    def _patch_endpoint(self, body: Any, ep: str) -> Reply:
        name = ep.lower()
        if name not in self.endpoints:
            return _not_found("online endpoint", ep)
        if "tags" in (body or {}):
            self.endpoints[name]["tags"] = dict(body["tags"])
        return _ok(self._read_endpoint(name))

    def _delete_endpoint(self, _body: Any, ep: str) -> Reply:
        name = ep.lower()
        if name not in self.endpoints:
            return _not_found("online endpoint", ep)

        def finish() -> None:
            self.endpoints.pop(name, None)
            self.deployments.pop(name, None)

        return self._start("delete", "oeidp", None, finish)

    def _endpoint_busy(self, name: str) -> Reply | None:
        if self.busy_reads.get(name):
            return _error(409, "Conflict", f"Endpoint {name} is in Updating state")
        body = self.endpoints.get(name)
        if body and body["properties"]["provisioningState"].lower() in BUSY:
            return _error(
                409,
                "Conflict",
                f"Cannot update endpoint {name} because it is in "
                f"{body['properties']['provisioningState']} provisioning state",
            )
        for dep in self.deployments.get(name, {}).values():
            if dep["properties"]["provisioningState"].lower() in BUSY:
                return _error(
                    409,
                    "Conflict",
                    f"Cannot update endpoint {name} while deployment {dep['name']} is "
                    f"in {dep['properties']['provisioningState']} provisioning state",
                )
        return None

    def _check_traffic(self, name: str, props: dict[str, Any]) -> str | None:
        known = set(self.deployments.get(name, {}))
        live, mirror = props["traffic"], props["mirrorTraffic"]
        for key in [*live, *mirror]:
            if key not in known:
                return f"Traffic rule names deployment {key}, which does not exist"
        if any(
            not isinstance(v, int) or v < 0 for v in [*live.values(), *mirror.values()]
        ):
            return "Traffic values must be non-negative integers"
        total = sum(live.values())
        if total not in (0, 100):
            return f"Traffic values must sum to 100 or 0; they sum to {total}"
        mirrored = {k: v for k, v in mirror.items() if v}
        if len(mirrored) > 1 or any(v > 50 for v in mirrored.values()):
            return "Mirror traffic may go to one deployment only, at most 50 percent"
        if any(live.get(k) for k in mirrored):
            return "A deployment cannot receive live and mirror traffic"
        return None

    # ----- deployments -----------------------------------------------------------

    def _deployment_body(
        self, endpoint: str, name: str, request: dict[str, Any]
    ) -> dict[str, Any]:
        props = copy.deepcopy(request.get("properties") or {})
        for probe in ("livenessProbe", "readinessProbe"):
            props[probe] = {**PROBE_DEFAULTS, **(props.get(probe) or {})}
        props["requestSettings"] = {
            **REQUEST_DEFAULTS,
            **(props.get("requestSettings") or {}),
        }
        props.setdefault("appInsightsEnabled", False)
        props.setdefault("egressPublicNetworkAccess", "Enabled")
        props.setdefault("scaleSettings", {"scaleType": "Default"})
        props.setdefault("endpointComputeType", "Managed")
        props["properties"] = {
            **(props.get("properties") or {}),
            "AzureAsyncOperationUri": "",
        }
        sku = {"name": "Default", "capacity": 1, **(request.get("sku") or {})}
        lower = name.lower()
        return {
            "id": f"{self._endpoint_id(endpoint.lower())}/deployments/{lower}",
            "name": lower,
            "type": f"{PROVIDER}/workspaces/onlineEndpoints/deployments",
            "location": self.location,
            "kind": "Managed",
            "sku": sku,
            "tags": dict(request.get("tags") or {}),
            "properties": props,
        }

    def _list_deployments(self, _body: Any, ep: str) -> Reply:
        if ep.lower() not in self.endpoints:
            return _not_found("online endpoint", ep)
        items = self.deployments.get(ep.lower(), {})
        return _ok({"value": [self._read_deployment(items[k]) for k in sorted(items)]})

    def _get_deployment(self, _body: Any, ep: str, dep: str) -> Reply:
        body = self.deployments.get(ep.lower(), {}).get(dep.lower())
        if body is None:
            return _not_found("online deployment", dep)
        return _ok(self._read_deployment(body))

    def _read_deployment(self, stored: dict[str, Any]) -> dict[str, Any]:
        body = copy.deepcopy(stored)
        return _vary_deployment(body) if self.variations else body

    # ----- how the real service varies what it returns ---------------------------

    def _vary_endpoint(self, body: dict[str, Any]) -> dict[str, Any]:
        """Same endpoint, other spelling: none of this is drift."""
        props = body["properties"]
        props["traffic"] = {_title(k): v for k, v in props["traffic"].items()}
        known = self.deployments.get(body["name"], {})
        if not props["mirrorTraffic"] and known:
            props["mirrorTraffic"] = {sorted(known)[0]: 0}  # a mirror share of 0
        props.setdefault("description", None)
        props.setdefault("compute", None)
        body.setdefault("systemData", {})
        return body

    def _put_deployment(self, body: Any, ep: str, dep: str) -> Reply:
        endpoint, name = ep.lower(), dep.lower()
        if endpoint not in self.endpoints:
            return _not_found("online endpoint", ep)
        busy = self._endpoint_busy(endpoint)
        if busy:
            return busy
        old = self.deployments[endpoint].get(name)
        new = self._deployment_body(endpoint, name, body)
        final = copy.deepcopy(new)
        error = self._provisioning_error(name, new["properties"])
        final["properties"]["provisioningState"] = "Failed" if error else "Succeeded"
        new["properties"]["provisioningState"] = (
            "Creating" if old is None else "Updating"
        )
        self.deployments[endpoint][name] = new

        def finish() -> dict[str, Any]:
            self.deployments[endpoint][name] = final
            if error:
                return {"status": "Failed", "error": error}
            return final

        operation = self._start(
            "put", "odidp", new, finish, status=201 if old is None else 200
        )
        if name in self.stalling:
            self.operations[self._last_op].stalled = True
        return operation

    def _provisioning_error(
        self, name: str, props: dict[str, Any]
    ) -> dict[str, Any] | None:
        if name in self.failing:
            code, message, _logs = self.failing[name]
            return {"code": code, "message": message}
        model = str(props.get("model", ""))
        match = re.search(r"/models/([^/]+)/versions/([^/]+)$", model)
        if match and (match.group(1).lower(), match.group(2)) not in self.models:
            return {"code": "BadArgument", "message": f"Model {model} not found"}
        return None

    def _delete_deployment(self, _body: Any, ep: str, dep: str) -> Reply:
        endpoint, name = ep.lower(), dep.lower()
        if name not in self.deployments.get(endpoint, {}):
            return _not_found("online deployment", dep)
        props = self.endpoints[endpoint]["properties"]
        if props["traffic"].get(name) or props["mirrorTraffic"].get(name):
            return _error(
                400,
                "BadArgument",
                f"Can't delete deployment [{name}] with non-zero traffic weight",
            )
        busy = self._endpoint_busy(endpoint)
        if busy:
            return busy
        self.deployments[endpoint][name]["properties"]["provisioningState"] = "Deleting"

        def finish() -> None:
            self.deployments[endpoint].pop(name, None)

        return self._start("delete", "odidp", None, finish)

    def _get_logs(self, _body: Any, ep: str, dep: str) -> Reply:
        logs = self.failing.get(dep.lower(), ("", "", "no logs"))[2]
        return _ok({"content": logs})

    # ----- operations ------------------------------------------------------------

    def _start(
        self,
        kind: str,
        prefix: str,
        body: dict[str, Any] | None,
        finish: Callable[[], dict[str, Any] | None],
        status: int = 202,
    ) -> Reply:
        op_id = f"{prefix}:{uuid.uuid4()}:{uuid.uuid4()}"
        self._last_op = op_id
        self.operations[op_id] = Operation(kind, self.polls_per_operation, finish)
        base = (
            f"{ARM}/subscriptions/{SUBSCRIPTION}/providers/{PROVIDER}/locations/"
            f"{self.location}"
        )
        if kind == "delete":
            location = (
                f"{base}/mfeOperationsResults/{op_id}?api-version=2023-04-01-preview"
            )
            return 202, {"Location": location}, ""
        status_url = (
            f"{base}/mfeOperationsStatus/{op_id}?api-version=2023-04-01-preview"
        )
        assert body is not None
        body["properties"]["properties"]["AzureAsyncOperationUri"] = status_url
        headers = {
            "Azure-AsyncOperation": status_url,
            "x-ms-async-operation-timeout": "PT1H",
        }
        return status, headers, json.dumps(body)

    def _advance(self, op_id: str) -> Operation | None:
        operation = self.operations.get(op_id)
        if operation is None or operation.done:
            return operation
        if operation.stalled:
            self.on_stalled_poll()
            return operation
        if operation.polls > 0:
            operation.polls -= 1
            return operation
        operation.result = operation.finish()
        operation.done = True
        return operation

    def _poll_status(self, _body: Any, op: str) -> Reply:
        operation = self._advance(op)
        if operation is None:
            return _not_found("operation", op)
        if not operation.done:
            return _ok({"status": "InProgress"})
        result = operation.result or {}
        if result.get("status") == "Failed":
            return _ok({"status": "Failed", "error": result["error"]})
        return _ok({"status": "Succeeded"})

    def _poll_result(self, _body: Any, op: str) -> Reply:
        operation = self._advance(op)
        if operation is None:
            return _not_found("operation", op)
        if not operation.done:
            return 202, {}, ""
        return 200, {}, ""


def _vary_deployment(body: dict[str, Any]) -> dict[str, Any]:
    """Same deployment, other spelling: none of this is drift."""
    props = body["properties"]
    body["name"] = _title(body["name"])
    if isinstance(props.get("model"), str):
        props["model"] = _lower_resource_groups(props["model"])
    if isinstance(props.get("environmentId"), str):
        props["environmentId"] = _lower_resource_groups(props["environmentId"])
    props["requestSettings"].pop("maxQueueWait", None)
    if isinstance(props.get("instanceType"), str):
        props["instanceType"] = props["instanceType"].lower()
    for empty in ("description", "modelMountPath", "dataCollector"):
        props.setdefault(empty, None)
    props.setdefault("environmentVariables", {})
    body.setdefault("systemData", {})
    return body


def _lower_resource_groups(arm_id: str) -> str:
    return arm_id.replace("/resourceGroups/", "/resourcegroups/")


def _title(name: str) -> str:
    return "-".join(part.capitalize() for part in name.split("-"))


def _auth_mode(value: str) -> str:
    return {"key": "Key", "aml_token": "AMLToken", "amltoken": "AMLToken"}.get(
        value.lower(), "AADToken" if "aad" in value.lower() else value
    )


def _default_code(status: int) -> str:
    return {
        401: "AuthenticationFailed",
        403: "AuthorizationFailed",
        404: "NotFound",
        409: "Conflict",
        429: "TooManyRequests",
    }.get(status, "InternalServerError" if status >= 500 else "BadRequest")


def _ok(body: dict[str, Any]) -> Reply:
    return 200, {}, json.dumps(body)


def _error(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> Reply:
    body = {"error": {"code": code, "message": message}}
    return status, dict(headers or {}), json.dumps(body)


def _not_found(what: str, name: str) -> Reply:
    return _error(404, "UserError", f"The {what} '{name}' was not found")
