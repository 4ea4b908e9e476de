"""Time `gitops-ml validate` on a large generated repo against two baselines.

Generates 100 models with 50 versions each and 1,000 environments in a temp folder,
then runs, side by side in one process tree:

- gitops-ml validate (strict loading, schemas, whole-repo checks),
- check-jsonschema on the same files (schemas only),
- PyYAML's CSafeLoader parsing the same files (no checks at all),

and prints the times and the ratios.  Usage: python benchmarks/validate_bench.py
[--repeat N] (the best of N runs counts).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MODELS, VERSIONS, ENVIRONMENTS = 100, 50, 1000
DIGEST = "ab" * 32
SCHEMAS = Path(__file__).resolve().parent.parent / "gitops_ml" / "schemas"


def _model(index: int) -> str:
    lines = [
        "apiVersion: gitops-ml/v1",
        "kind: Model",
        "metadata:",
        f"  name: model-{index}",
        "spec:",
        "  owner: ml@example.com",
        "  versions:",
    ]
    for version in range(1, VERSIONS + 1):
        lines += [
            f'    - version: "{version}"',
            "      created: 2026-01-02T03:04:05Z",
            f"      metrics: {{auc: 0.{version:02d}, latencyP95Ms: {version}}}",
            "      lineage:",
            f"        trainingRun: azureml://jobs/run-{index}-{version}",
            f"        codeCommit: {'c0ffee' * 6}1234",
            "      artifacts:",
            "        azureml:",
            f"          model: azureml:model-{index}:{version}",
            f"        image: registry.example.com/model-{index}@sha256:{DIGEST}",
        ]
    return "\n".join(lines) + "\n"


def _environment(index: int) -> str:
    model, version = index % MODELS, index % VERSIONS + 1
    head = [
        "apiVersion: gitops-ml/v1",
        "kind: Environment",
        "metadata:",
        f"  name: env-{index}",
        "spec:",
    ]
    if index % 2:
        body = [
            "  target:",
            "    type: docker",
            "    hosts:",
            f"      - {{name: site-{index}, url: unix:///var/run/docker.sock}}",
            "  deployments:",
            "    - name: serve",
            f"      model: model-{model}",
            f'      version: "{version}"',
            "      container:",
            "        ports: [{container: 8080, host: 8080}]",
            "        env: {LOG_LEVEL: info, API_TOKEN: {secretRef: {env: TOKEN}}}",
        ]
    else:
        body = [
            "  target:",
            "    type: azureml",
            "    subscriptionId: 00000000-0000-0000-0000-000000000000",
            "    resourceGroup: rg",
            "    workspace: mlw-bench",
            "  endpoints:",
            f"    - name: ep-{index}",
            "      deployments:",
            f'        - {{model: model-{model}, version: "{version}", traffic: 100,',
            "           settings: {instance_type: Standard_DS3_v2, instance_count: 1}}",
        ]
    return "\n".join(head + body) + "\n"


def generate(root: Path) -> None:
    (root / "models").mkdir(parents=True)
    (root / "environments").mkdir()
    for index in range(MODELS):
        (root / "models" / f"model-{index}.yaml").write_text(_model(index))
    for index in range(ENVIRONMENTS):
        (root / "environments" / f"env-{index}.yaml").write_text(_environment(index))


PARSE = """
import sys, yaml
from pathlib import Path
for path in sorted(Path(sys.argv[1]).glob("*/*.yaml")):
    yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
"""


def commands(root: Path) -> dict[str, list[list[str]]]:
    bindir = Path(sys.executable).parent
    check = str(bindir / "check-jsonschema")
    models = sorted(str(p) for p in (root / "models").glob("*.yaml"))
    envs = sorted(str(p) for p in (root / "environments").glob("*.yaml"))
    return {
        "gitops-ml validate": [
            [sys.executable, "-m", "gitops_ml", "validate", "--repo", str(root)]
        ],
        "check-jsonschema": [
            [check, "--schemafile", str(SCHEMAS / "model.schema.json"), *models],
            [check, "--schemafile", str(SCHEMAS / "environment.schema.json"), *envs],
        ],
        "CSafeLoader parse": [[sys.executable, "-c", PARSE, str(root)]],
    }


def best_time(steps: list[list[str]], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for step in steps:
            result = subprocess.run(step, capture_output=True, text=True, check=False)
            if result.returncode != 0:
                sys.exit(f"{step[0]} failed:\n{result.stdout[-2000:]}{result.stderr}")
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Time gitops-ml validate against check-jsonschema and plain "
        "parsing on a generated repo.",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        metavar="N",
        help="runs of each tool; the best time counts (default: 3)",
    )
    repeat = parser.parse_args().repeat
    root = Path(tempfile.mkdtemp(prefix="gitops-ml-bench-"))
    try:
        generate(root / "repo")
        files = MODELS + ENVIRONMENTS
        print(
            f"{files} files ({MODELS} models x {VERSIONS} versions, "
            f"{ENVIRONMENTS} environments), best of {repeat}"
        )
        times = {
            name: best_time(steps, repeat)
            for name, steps in commands(root / "repo").items()
        }
        parse = times["CSafeLoader parse"]
        for name, seconds in times.items():
            print(f"{name:20} {seconds:7.2f} s   {seconds / parse:5.2f}x parsing")
    finally:
        shutil.rmtree(root)


if __name__ == "__main__":
    main()
