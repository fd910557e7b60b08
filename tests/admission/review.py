#!/usr/bin/env python3
"""Writes an AdmissionReview (admission.k8s.io/v1) request as the Kubernetes API server
sends it to a validating webhook (shape as in the API reference: "Dynamic Admission
Control", request and object fields), for tests/admission/test_admission.sh.

  review.py --kind Deployment --name web --ns shop [--op CREATE] [--uid UID] [--dry-run]
            [--container NAME=IMAGE]... [--init NAME=IMAGE]... [--ephemeral NAME=IMAGE]...
            [--privileged NAME] [--host-path]
            [--old-container NAME=IMAGE]... [--old-init NAME=IMAGE]... [--old-privileged NAME]

On UPDATE, request.oldObject is the object built from the --old-* options when any is
given, else the same object without its ephemeral containers (what adding one through
the pods/ephemeralcontainers subresource looks like).

Containers are hardened (non-root, read-only root, no privilege escalation, all
capabilities dropped, RuntimeDefault seccomp, requests and limits) unless --privileged
names them, so only the checks a test asks for fire.
"""
import argparse
import json
import uuid

GROUPS = {"Pod": ("", "pods"), "ReplicationController": ("", "replicationcontrollers"),
          "Deployment": ("apps", "deployments"), "StatefulSet": ("apps", "statefulsets"),
          "DaemonSet": ("apps", "daemonsets"), "ReplicaSet": ("apps", "replicasets"),
          "Job": ("batch", "jobs"), "CronJob": ("batch", "cronjobs"),
          "ConfigMap": ("", "configmaps")}


def container(spec, privileged):
    name, image = spec.split("=", 1)
    c = {"name": name, "image": image, "imagePullPolicy": "IfNotPresent",
         "resources": {"requests": {"cpu": "100m", "memory": "64Mi"},
                       "limits": {"cpu": "500m", "memory": "128Mi"}},
         "securityContext": {"allowPrivilegeEscalation": False, "runAsNonRoot": True,
                             "runAsUser": 10001, "readOnlyRootFilesystem": True,
                             "capabilities": {"drop": ["ALL"]},
                             "seccompProfile": {"type": "RuntimeDefault"}}}
    if name in privileged:
        c["securityContext"] = {"privileged": True, "allowPrivilegeEscalation": True}
    return c


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kind", default="Pod")
    ap.add_argument("--name", default="demo")
    ap.add_argument("--ns", default="shop")
    ap.add_argument("--op", default="CREATE")
    ap.add_argument("--uid", default=None)
    ap.add_argument("--user", default="system:serviceaccount:kube-system:replicaset-controller")
    ap.add_argument("--dry-run", action="store_true")
    ap.add_argument("--container", action="append", default=[])
    ap.add_argument("--init", action="append", default=[])
    ap.add_argument("--ephemeral", action="append", default=[])
    ap.add_argument("--privileged", action="append", default=[])
    ap.add_argument("--host-path", action="store_true")
    ap.add_argument("--old-container", action="append", default=[])
    ap.add_argument("--old-init", action="append", default=[])
    ap.add_argument("--old-privileged", action="append", default=[])
    a = ap.parse_args()
    obj = build(a, a.container, a.init, a.ephemeral, a.privileged)
    old = obj
    if a.op == "UPDATE":
        if a.old_container or a.old_init:
            old = build(a, a.old_container, a.old_init, [], a.old_privileged)
        else:
            old = build(a, a.container, a.init, [], a.privileged)
    group, resource = GROUPS[a.kind]
    version = "v1"
    gvk = {"group": group, "version": version, "kind": a.kind}
    gvr = {"group": group, "version": version, "resource": resource}
    req = {"uid": a.uid or str(uuid.uuid4()), "kind": gvk, "resource": gvr,
           "requestKind": gvk, "requestResource": gvr,
           "name": a.name if a.op != "CREATE" or a.kind != "Pod" else "",
           "namespace": a.ns, "operation": a.op,
           "userInfo": {"username": a.user, "uid": "3f1c0c1e-0b7a-4a53-9f4e-000000000001",
                        "groups": ["system:serviceaccounts", "system:authenticated"]},
           "object": obj if a.op != "DELETE" else None,
           "oldObject": old if a.op in ("UPDATE", "DELETE") else None,
           "dryRun": a.dry_run,
           "options": {"apiVersion": "meta.k8s.io/v1",
                       "kind": {"CREATE": "CreateOptions", "UPDATE": "UpdateOptions",
                                "DELETE": "DeleteOptions"}.get(a.op, "CreateOptions")}}
    if a.ephemeral:
        req["subResource"] = "ephemeralcontainers"
    print(json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
                      "request": req}, indent=1))


def build(a, containers, inits, ephemerals, privileged):
    """The object of kind a.kind with these containers."""
    pod = {"automountServiceAccountToken": False, "restartPolicy": "Always",
           "securityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
           "containers": [container(c, privileged) for c in containers]}
    if inits:
        pod["initContainers"] = [container(c, privileged) for c in inits]
    if ephemerals:
        pod["ephemeralContainers"] = [dict(container(c, privileged), targetContainerName="x")
                                      for c in ephemerals]
    if a.host_path:
        pod["volumes"] = [{"name": "host", "hostPath": {"path": "/var/run/docker.sock"}}]
    labels = {"app": a.name}
    meta = {"name": a.name, "namespace": a.ns, "labels": labels,
            "creationTimestamp": None}
    group, resource = GROUPS[a.kind]
    version = "v1"
    api_version = f"{group}/{version}" if group else version
    template = {"metadata": {"labels": labels}, "spec": pod}
    if a.kind == "Pod":
        obj = {"apiVersion": api_version, "kind": "Pod", "metadata": meta, "spec": pod,
               "status": {}}
    elif a.kind == "CronJob":
        pod["restartPolicy"] = "OnFailure"
        obj = {"apiVersion": api_version, "kind": a.kind, "metadata": meta,
               "spec": {"schedule": "*/5 * * * *", "concurrencyPolicy": "Forbid",
                        "jobTemplate": {"spec": {"backoffLimit": 2, "template": template}}}}
    elif a.kind == "Job":
        pod["restartPolicy"] = "Never"
        obj = {"apiVersion": api_version, "kind": a.kind, "metadata": meta,
               "spec": {"backoffLimit": 2, "template": template}}
    elif a.kind == "ConfigMap":
        obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta,
               "data": {"image": containers[0] if containers else ""}}
    else:
        spec = {"selector": {"matchLabels": labels}, "template": template}
        if a.kind != "DaemonSet":
            spec["replicas"] = 3
        if a.kind == "StatefulSet":
            spec["serviceName"] = a.name
        if a.kind == "ReplicationController":
            spec["selector"] = labels
        obj = {"apiVersion": api_version, "kind": a.kind, "metadata": meta, "spec": spec}
    if a.kind == "Pod" and a.op == "CREATE":
        meta.pop("name")
        meta["generateName"] = a.name + "-"
    return obj


main()
