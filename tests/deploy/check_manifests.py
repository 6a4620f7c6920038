#!/usr/bin/env python3
"""Validates deploy/ (ctest deploy_manifests): the Kubernetes manifests' structure, that their
names, labels and ports refer to each other, and that what they deploy works: the ConfigMap's
project is served by the real wws binary with the Deployment's own arguments (Redis pointed at a
redis-server this script starts on a free port), and its counter counts across two processes.
kubectl is not a Debian package: when it is on PATH, `kubectl kustomize` must accept the folder too.

usage: check_manifests.py WWS_BINARY DEPLOY_DIR
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import yaml

errors = []


def check(cond, message):
    if not cond:
        errors.append(message)
    return cond


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load(deploy):
    docs = []
    kdir = os.path.join(deploy, "k8s")
    with open(os.path.join(kdir, "kustomization.yaml")) as f:
        kust = yaml.safe_load(f)
    check(kust.get("kind") == "Kustomization", "kustomization.yaml: kind must be Kustomization")
    for name in kust.get("resources", []):
        with open(os.path.join(kdir, name)) as f:
            for doc in yaml.safe_load_all(f):
                if doc:
                    doc["_file"] = name
                    docs.append(doc)
    listed = set(kust.get("resources", []))
    for name in os.listdir(kdir):
        if name.endswith(".yaml") and name != "kustomization.yaml":
            check(name in listed, f"{name} is not listed in kustomization.yaml")
    return docs


REQUIRED = {
    "Deployment": ["spec.replicas", "spec.selector.matchLabels", "spec.template.metadata.labels",
                   "spec.template.spec.containers"],
    "Service": ["spec.selector", "spec.ports"],
    "ConfigMap": [],
    "PersistentVolumeClaim": ["spec.accessModes", "spec.resources.requests.storage"],
}
API = {"Deployment": "apps/v1", "Service": "v1", "ConfigMap": "v1", "PersistentVolumeClaim": "v1"}


def dig(doc, path):
    for part in path.split("."):
        if not isinstance(doc, dict) or part not in doc:
            return None
        doc = doc[part]
    return doc


def check_structure(docs):
    by_kind = {}
    for d in docs:
        where = f"{d['_file']}: {d.get('kind')} {dig(d, 'metadata.name')}"
        kind = d.get("kind")
        if not check(kind in REQUIRED, f"{where}: unexpected kind"):
            continue
        check(d.get("apiVersion") == API[kind], f"{where}: apiVersion must be {API[kind]}")
        check(isinstance(dig(d, "metadata.name"), str), f"{where}: metadata.name missing")
        for path in REQUIRED[kind]:
            check(dig(d, path) is not None, f"{where}: {path} missing")
        by_kind.setdefault(kind, {})[dig(d, "metadata.name")] = d
    deployments = by_kind.get("Deployment", {})
    for name, d in deployments.items():
        sel, labels = dig(d, "spec.selector.matchLabels") or {}, dig(d, "spec.template.metadata.labels") or {}
        check(all(labels.get(k) == v for k, v in sel.items()), f"Deployment {name}: selector does not match its pods' labels")
        pod = dig(d, "spec.template.spec") or {}
        volumes = {v["name"]: v for v in pod.get("volumes", [])}
        for c in pod.get("containers", []):
            check(c.get("image"), f"Deployment {name}: container {c.get('name')} has no image")
            for m in c.get("volumeMounts", []):
                check(m["name"] in volumes, f"Deployment {name}: mount {m['name']} has no volume")
            for probe in ("readinessProbe", "livenessProbe"):
                port = dig(c, f"{probe}.httpGet.port")
                if port is not None:
                    names = {p.get("name") for p in c.get("ports", [])} | {p.get("containerPort") for p in c.get("ports", [])}
                    check(port in names, f"Deployment {name}: {probe} port {port} is not a container port")
        for v in volumes.values():
            if "configMap" in v:
                check(v["configMap"]["name"] in by_kind.get("ConfigMap", {}), f"Deployment {name}: no ConfigMap {v['configMap']['name']}")
            if "persistentVolumeClaim" in v:
                claim = v["persistentVolumeClaim"]["claimName"]
                check(claim in by_kind.get("PersistentVolumeClaim", {}), f"Deployment {name}: no PVC {claim}")
    for name, s in by_kind.get("Service", {}).items():
        sel = dig(s, "spec.selector") or {}
        targets = [d for d in deployments.values()
                   if all((dig(d, "spec.template.metadata.labels") or {}).get(k) == v for k, v in sel.items())]
        if check(targets, f"Service {name}: its selector matches no Deployment's pods"):
            ports = set()
            for c in dig(targets[0], "spec.template.spec.containers"):
                for p in c.get("ports", []):
                    ports |= {p.get("name"), p.get("containerPort")}
            for p in dig(s, "spec.ports"):
                check(p.get("targetPort", p.get("port")) in ports, f"Service {name}: targetPort {p.get('targetPort')} is no container port")
    return by_kind


def wws_container(by_kind):
    d = by_kind["Deployment"]["wws"]
    check(dig(d, "spec.replicas") >= 2, "Deployment wws: a cluster needs at least 2 replicas")
    return dig(d, "spec.template.spec.containers")[0]


def serve_the_project(wws, by_kind, work):
    """The ConfigMap's files served with the Deployment's arguments; two processes share a counter."""
    container = wws_container(by_kind)
    args = list(container["args"])
    kv = args[args.index("--kv") + 1]
    check(kv.startswith("redis://"), f"the wws Deployment must use Redis, not {kv}")
    host_port = kv[len("redis://"):].split("/")[0]
    host, port = host_port.split(":")
    services = by_kind.get("Service", {})
    if check(host in services, f"--kv names host {host}, which is no Service"):
        check(int(port) in [p["port"] for p in dig(services[host], "spec.ports")], f"Service {host} has no port {port}")
    mount = next(m for m in container["volumeMounts"] if m["mountPath"] == args[0])
    volume = next(v for v in dig(by_kind["Deployment"]["wws"], "spec.template.spec.volumes") if v["name"] == mount["name"])
    files = by_kind["ConfigMap"][volume["configMap"]["name"]].get("data", {})
    project = os.path.join(work, "project")
    os.makedirs(project)
    for name, text in files.items():
        with open(os.path.join(project, name), "w") as f:
            f.write(text)

    redis_port = free_port()
    redis = subprocess.Popen(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                              "--dir", work, "--logfile", os.path.join(work, "redis.log")])
    servers = []
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", redis_port), 0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        local = [a.replace(kv, f"redis://127.0.0.1:{redis_port}/0") for a in args]
        local[0] = project
        for i in (0, 1):
            i_args = [x for x in local]
            # Free ports instead of the pod's fixed ones (several test suites share this machine).
            i_args[i_args.index("--admin-port") + 1] = str(free_port())
            i_args[i_args.index("--admin-host") + 1] = "127.0.0.1"
            p = free_port()
            log = open(os.path.join(work, f"wws{i}.log"), "w")
            servers.append((subprocess.Popen([wws, *i_args, "--host", "127.0.0.1", "--port", str(p)], stdout=log,
                                             stderr=subprocess.STDOUT), p, i_args))
        answers = []
        for n in range(4):
            proc, p, _ = servers[n % 2]
            for _ in range(600):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{p}/counter", timeout=5) as r:
                        answers.append(r.read().decode().strip())
                    break
                except OSError:
                    time.sleep(0.1)
        check(answers == ["hits=1", "hits=2", "hits=3", "hits=4"],
              f"the ConfigMap's counter served by two wws processes on one Redis answered {answers}")
        _, admin_args = servers[0][2], servers[0][2]
        admin = admin_args[admin_args.index("--admin-port") + 1]
        probe = dig(container, "readinessProbe.httpGet.path")
        with urllib.request.urlopen(f"http://127.0.0.1:{admin}{probe}", timeout=5) as r:
            check(r.status == 200, f"readiness probe {probe} answered {r.status}")
    finally:
        for proc, _, _ in servers:
            proc.terminate()
            proc.wait(20)
        redis.terminate()
        redis.wait(20)


def main():
    wws, deploy = sys.argv[1], sys.argv[2]
    docs = load(deploy)
    by_kind = check_structure(docs)
    with open(os.path.join(deploy, "Dockerfile")) as f:
        dockerfile = f.read()
    check("FROM debian:" in dockerfile, "the Dockerfile must build from Debian")
    check("scripts/setup.sh" in dockerfile, "the Dockerfile must install with scripts/setup.sh")
    work = tempfile.mkdtemp(prefix="wws-deploy-")
    try:
        if not errors:
            serve_the_project(wws, by_kind, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    kubectl = shutil.which("kubectl")
    if kubectl:
        r = subprocess.run([kubectl, "kustomize", os.path.join(deploy, "k8s")], capture_output=True, text=True)
        check(r.returncode == 0, f"kubectl kustomize failed: {r.stderr}")
        print("deploy: kubectl kustomize accepted deploy/k8s")
    else:
        print("deploy: kubectl is not installed (not a Debian package); schema checks only")
    for e in errors:
        print("deploy: " + e, file=sys.stderr)
    print(f"deploy: {len(docs)} manifests checked, {len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
