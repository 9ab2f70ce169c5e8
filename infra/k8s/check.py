#!/usr/bin/env python3
"""The deployment rules that a schema cannot see, checked on rendered manifests.

    check.py RENDERED.yaml...   checks each kustomize output; exits 1 naming every broken rule
    check.py --self-test FILE   breaks each rule in a copy of FILE and fails unless it is caught

Rules: every Deployment's containers are ready on /readyz, have a preStop hook, requests and
limits, and a terminationGracePeriodSeconds above the longest a process may take to drain; the
ports the settings name are the ports declared; every JOUST_ variable set is documented; only
the judges (and Prometheus) reach the executors that judge battles; executors run no more
programs at once than their CPU limit has cores; Services, budgets and
policies select pods that exist, on declared ports; the autoscalers scale
Deployments that exist on metric names the scaled service exports; Secrets hold placeholders or
public development values only. Needs PyYAML (installed with kubernetes-validate).
"""

import base64
import copy
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]

# The setting that bounds how long each service takes to stop after SIGTERM, per Deployment.
DRAIN_SETTING = {
    "battle": "JOUST_DRAIN_WINDOW_MS",
    "judge": "JOUST_JUDGE_EXECUTOR_TIMEOUT_MS",
    "executor": "JOUST_EXECUTOR_REQUEST_DEADLINE_MS",
    "executor-verify": "JOUST_EXECUTOR_REQUEST_DEADLINE_MS",
}
# The crate whose metrics.rs lists what each Deployment exports.
METRICS_SOURCE = {
    "battle": ["services/battle/src/metrics.rs"],
    "judge": ["services/judge/src/metrics.rs"],
    "executor": ["services/executor/src/metrics.rs"],
}
# Variables that name a listening port.
PORT_SETTINGS = [
    "JOUST_BATTLE_PORT",
    "JOUST_BATTLE_OPS_PORT",
    "JOUST_JUDGE_PORT",
    "JOUST_EXECUTOR_PORT",
]
# The one peer outside the namespace that may scrape operations ports.
PROMETHEUS_PEER = {
    "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}},
    "podSelector": {"matchLabels": {"app.kubernetes.io/name": "prometheus"}},
}
PLACEHOLDER = re.compile(r"placeholder|development-only")
JUDGING_EXECUTOR = "executor"


def documented_defaults():
    """Every variable of docs/configuration.md with its default (None when not a number)."""
    defaults = {}
    for line in (ROOT / "docs/configuration.md").read_text().splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) < 3:
            continue
        names = re.findall(r"`(JOUST_[A-Z0-9_]+)`", cells[1])
        value = re.fullmatch(r"`(\d+)`", cells[2])
        for name in names:
            defaults[name] = int(value.group(1)) if value else None
    return defaults


def exported_metrics(deployment):
    names = set()
    for path in METRICS_SOURCE.get(deployment, []):
        names |= set(re.findall(r'"([a-z_][a-z0-9_]*)"', (ROOT / path).read_text()))
    return names


def of_kind(objects, kind):
    return [o for o in objects if o.get("kind") == kind]


def selects(selector, labels):
    """Whether a label selector (matchLabels only, as these manifests use) matches labels."""
    if selector.get("matchExpressions"):
        raise ValueError("matchExpressions are not checked here; use matchLabels")
    return all(labels.get(k) == v for k, v in (selector.get("matchLabels") or {}).items())


def container_env(container, config_maps):
    """The variables a container sets from literals and ConfigMaps (Secrets are opaque here)."""
    env = {}
    for source in container.get("envFrom", []):
        ref = source.get("configMapRef")
        if ref:
            env.update(config_maps.get(ref["name"], {}))
    for item in container.get("env", []):
        env[item["name"]] = item.get("value", "<from elsewhere>")
    return env


def cores(quantity):
    """A CPU quantity ("2", "500m") in cores."""
    text = str(quantity)
    return int(text[:-1]) / 1000 if text.endswith("m") else float(text)


def prestop_seconds(hook):
    """How long a preStop hook waits (its `sleep`), 0 when it does not say."""
    if "sleep" in hook:
        return int(hook["sleep"].get("seconds", 0))
    command = " ".join(hook.get("exec", {}).get("command", []))
    found = re.findall(r"\bsleep\s+(\d+)", command)
    return sum(int(s) for s in found)


def check_deployment(deployment, config_maps, defaults, errors):
    name = deployment["metadata"]["name"]
    spec = deployment["spec"]["template"]["spec"]
    grace = spec.get("terminationGracePeriodSeconds", 30)
    for container in spec["containers"]:
        where = f"Deployment {name}, container {container['name']}"
        env = container_env(container, config_maps)
        ports = {p["containerPort"] for p in container.get("ports", [])}
        names = {p.get("name") for p in container.get("ports", [])}

        probe = (container.get("readinessProbe") or {}).get("httpGet")
        if not probe or probe.get("path") != "/readyz":
            errors.append(f"{where}: no readiness probe on /readyz")
        elif probe.get("port") not in ports | names:
            errors.append(f"{where}: the readiness probe's port {probe.get('port')} is not declared")

        hook = (container.get("lifecycle") or {}).get("preStop")
        if not hook:
            errors.append(f"{where}: no preStop hook")
        setting = DRAIN_SETTING.get(name)
        if setting is None:
            errors.append(f"{where}: no drain setting known for this Deployment")
        else:
            drain_ms = int(env.get(setting, defaults.get(setting) or 0))
            wait = max(drain_ms / 1000, prestop_seconds(hook or {}))
            if not grace > wait:
                errors.append(
                    f"{where}: terminationGracePeriodSeconds {grace} is not above the drain "
                    f"({setting}={drain_ms} ms, preStop waits {prestop_seconds(hook or {})} s)"
                )

        resources = container.get("resources", {})
        for part in ("requests", "limits"):
            for resource in ("cpu", "memory"):
                if resource not in resources.get(part, {}):
                    errors.append(f"{where}: no {resource} {part[:-1]}")

        # Each run takes a core: more runs than cores would be throttled into time limits.
        runs = env.get("JOUST_EXECUTOR_MAX_CONCURRENT")
        cpu_limit = resources.get("limits", {}).get("cpu")
        if runs and cpu_limit and int(runs) > cores(cpu_limit):
            errors.append(f"{where}: JOUST_EXECUTOR_MAX_CONCURRENT={runs} exceeds the CPU limit {cpu_limit}")

        for variable in PORT_SETTINGS:
            if variable in env and int(env[variable]) not in ports:
                errors.append(f"{where}: {variable}={env[variable]} is not a declared port")
        for variable in env:
            if variable.startswith("JOUST_") and variable not in defaults:
                errors.append(f"{where}: {variable} is not in docs/configuration.md")

    if name == "judge":
        consumer = next(
            (e for c in spec["containers"] for e in c.get("env", []) if e["name"] == "JOUST_JUDGE_CONSUMER"),
            None,
        )
        if not consumer or "fieldRef" not in consumer.get("valueFrom", {}):
            errors.append("Deployment judge: JOUST_JUDGE_CONSUMER must come from the pod name")


def check_executor_isolation(objects, errors):
    """Only the judges' pods (and Prometheus) may reach the executors that judge battles."""
    pods = {d["metadata"]["name"]: d["spec"]["template"]["metadata"]["labels"] for d in of_kind(objects, "Deployment")}
    if JUDGING_EXECUTOR not in pods:
        errors.append("no judging executor Deployment")
        return
    target = pods[JUDGING_EXECUTOR]
    policies = [
        p
        for p in of_kind(objects, "NetworkPolicy")
        if "Ingress" in p["spec"].get("policyTypes", ["Ingress"]) and selects(p["spec"]["podSelector"], target)
    ]
    if not policies:
        errors.append("no NetworkPolicy isolates the executors: every pod reaches them")
    judge_allowed = False
    for policy in policies:
        where = f"NetworkPolicy {policy['metadata']['name']}"
        for rule in policy["spec"].get("ingress", []):
            if "from" not in rule:
                errors.append(f"{where}: an ingress rule without `from` lets every pod reach the executors")
                continue
            for peer in rule["from"]:
                if peer == PROMETHEUS_PEER:
                    continue
                if set(peer) != {"podSelector"} or not peer["podSelector"]:
                    errors.append(f"{where}: the executors accept a peer other than the judges: {peer}")
                    continue
                reached = {n for n, labels in pods.items() if selects(peer["podSelector"], labels)}
                if reached - {"judge"}:
                    errors.append(f"{where}: {sorted(reached - {'judge'})} may reach the executors")
                judge_allowed |= "judge" in reached
    if policies and not judge_allowed:
        errors.append("the judges cannot reach the executors")


def check_autoscalers(objects, errors):
    deployments = {d["metadata"]["name"] for d in of_kind(objects, "Deployment")}
    for hpa in of_kind(objects, "HorizontalPodAutoscaler"):
        spec = hpa["spec"]
        target = spec["scaleTargetRef"]["name"]
        where = f"HorizontalPodAutoscaler {hpa['metadata']['name']}"
        if target not in deployments:
            errors.append(f"{where}: scales {target}, which is not a Deployment here")
        if spec.get("minReplicas", 1) > spec["maxReplicas"]:
            errors.append(f"{where}: minReplicas above maxReplicas")
        exported = exported_metrics(target)
        for metric in spec.get("metrics", []):
            kind = metric["type"]
            if kind == "Resource":
                continue
            name = metric[kind[0].lower() + kind[1:]]["metric"]["name"]
            if name not in exported:
                errors.append(f"{where}: metric {name} is not exported by {target} (its metrics.rs)")


def check_selectors(objects, errors):
    """Services, budgets and policies select pods that exist; Services target declared ports."""
    deployments = of_kind(objects, "Deployment")
    for kind in ("Service", "PodDisruptionBudget", "NetworkPolicy"):
        for obj in of_kind(objects, kind):
            spec = obj["spec"]
            selector = spec.get("podSelector") if kind == "NetworkPolicy" else spec.get("selector")
            if not selector:
                continue  # an ExternalName service, or a policy for every pod
            if kind == "Service":
                selector = {"matchLabels": selector}
            chosen = [d for d in deployments if selects(selector, d["spec"]["template"]["metadata"]["labels"])]
            where = f"{kind} {obj['metadata']['name']}"
            if not chosen:
                errors.append(f"{where}: selects no pod")
            for port in spec.get("ports", []) if kind == "Service" else []:
                target = port.get("targetPort", port["port"])
                for d in chosen:
                    declared = [
                        p.get("name") if isinstance(target, str) else p["containerPort"]
                        for c in d["spec"]["template"]["spec"]["containers"]
                        for p in c.get("ports", [])
                    ]
                    if target not in declared:
                        errors.append(f"{where}: port {target} is not declared by {d['metadata']['name']}")


def check_secrets(objects, errors):
    for secret in of_kind(objects, "Secret"):
        values = dict(secret.get("stringData") or {})
        for key, value in (secret.get("data") or {}).items():
            values[key] = base64.b64decode(value).decode()
        for key, value in values.items():
            # A URL without a password (a development store) carries nothing secret.
            url = re.match(r"^\w+://(?:([^@/]*)@)?", value)
            if url and ":" not in (url.group(1) or ""):
                continue
            if not PLACEHOLDER.search(value):
                errors.append(f"Secret {secret['metadata']['name']}: {key} is not a placeholder")


def check(objects):
    errors = []
    defaults = documented_defaults()
    config_maps = {c["metadata"]["name"]: c.get("data", {}) for c in of_kind(objects, "ConfigMap")}
    deployments = of_kind(objects, "Deployment")
    if not deployments:
        errors.append("no Deployment rendered")
    for deployment in deployments:
        check_deployment(deployment, config_maps, defaults, errors)
    check_executor_isolation(objects, errors)
    check_autoscalers(objects, errors)
    check_selectors(objects, errors)
    check_secrets(objects, errors)
    return errors


def load(path):
    return [o for o in yaml.safe_load_all(Path(path).read_text()) if o]


def find(objects, kind, name):
    return next(o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name)


def container(objects, name):
    return find(objects, "Deployment", name)["spec"]["template"]["spec"]["containers"][0]


def breakages():
    """Each a way of breaking one rule, applied to a copy of the rendered objects."""

    def no_readiness(o):
        del container(o, "battle")["readinessProbe"]

    def readiness_elsewhere(o):
        container(o, "judge")["readinessProbe"]["httpGet"]["path"] = "/healthz"

    def no_prestop(o):
        del container(o, "executor")["lifecycle"]

    def short_grace(o):
        find(o, "Deployment", "judge")["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] = 40

    def longer_drain(o):
        find(o, "ConfigMap", "joust-battle")["data"]["JOUST_DRAIN_WINDOW_MS"] = "60000"

    def more_runs_than_cores(o):
        find(o, "ConfigMap", "joust-executor")["data"]["JOUST_EXECUTOR_MAX_CONCURRENT"] = "4"

    def no_limits(o):
        del container(o, "battle")["resources"]["limits"]

    def battle_reaches_executors(o):
        peers = find(o, "NetworkPolicy", "executor")["spec"]["ingress"][0]["from"]
        peers.append({"podSelector": {"matchLabels": {"app.kubernetes.io/name": "battle"}}})

    def open_executors(o):
        find(o, "NetworkPolicy", "executor")["spec"]["ingress"].append({"ports": [{"port": 8082}]})

    def unknown_metric(o):
        hpa = find(o, "HorizontalPodAutoscaler", "battle")
        hpa["spec"]["metrics"][0]["pods"]["metric"]["name"] = "socket_connection"

    def metric_of_another_service(o):
        hpa = find(o, "HorizontalPodAutoscaler", "judge")
        hpa["spec"]["metrics"][0]["external"]["metric"]["name"] = "socket_connections"

    def undocumented_variable(o):
        find(o, "ConfigMap", "joust-judge")["data"]["JOUST_JUDGE_SPEED"] = "1"

    def shared_consumer_name(o):
        env = container(o, "judge")["env"]
        env[:] = [e for e in env if e["name"] != "JOUST_JUDGE_CONSUMER"]

    def service_selects_nothing(o):
        find(o, "Service", "battle")["spec"]["selector"] = {"app.kubernetes.io/name": "battles"}

    def service_port_undeclared(o):
        find(o, "Service", "executor")["spec"]["ports"][0]["targetPort"] = "grpc"

    def budget_selects_nothing(o):
        find(o, "PodDisruptionBudget", "judge")["spec"]["selector"]["matchLabels"]["joust.dev/pool"] = "x"

    def real_secret(o):
        secret = next(s for s in o if s["kind"] == "Secret")
        secret.setdefault("stringData", {})["JOUST_JWT_SECRET"] = "s3cr3t-" * 6

    # Every function defined above, in name order.
    return [f for _, f in sorted(locals().items())]


def self_test(path):
    objects = load(path)
    if not any(o["kind"] == "Secret" for o in objects):
        raise SystemExit(f"{path}: the self-test needs a rendering with the Secret template")
    baseline = check(objects)
    if baseline:
        raise SystemExit("the manifests themselves break rules:\n  " + "\n  ".join(baseline))
    missed = []
    for breakage in breakages():
        broken = copy.deepcopy(objects)
        breakage(broken)
        if not check(broken):
            missed.append(breakage.__name__)
        else:
            print(f"caught: {breakage.__name__}")
    caught = len(breakages()) - len(missed)
    print(f"self-test: {caught} passed, {len(missed)} failed")
    if missed:
        raise SystemExit(f"breakages not caught: {', '.join(missed)}")


def main(argv):
    if argv[:1] == ["--self-test"]:
        self_test(argv[1])
        return 0
    failed = False
    for path in argv:
        errors = check(load(path))
        for error in errors:
            print(f"{path}: {error}", file=sys.stderr)
        failed |= bool(errors)
        if not errors:
            print(f"{path}: deployment rules hold")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
