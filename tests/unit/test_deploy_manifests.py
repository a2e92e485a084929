"""The Kubernetes sketch in deploy/kubernetes stays true to the code: every P2P_* variable it
names is a real setting, every reference between manifests resolves, and the commands exist."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from p2p.cli.main import app
from p2p.settings import PROJECT_ROOT, Settings

MANIFESTS = PROJECT_ROOT / "deploy" / "kubernetes"
SETTINGS = {f"P2P_{name.upper()}" for name in Settings.model_fields}


def documents() -> list[tuple[Path, dict[str, Any]]]:
    return [(path, doc) for path in sorted(MANIFESTS.glob("*.yaml"))
            for doc in yaml.safe_load_all(path.read_text()) if doc]  # fmt: skip


def walk(node: Any) -> Iterator[Any]:
    yield node
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    for child in children:
        yield from walk(child)


def p2p_names(doc: dict[str, Any]) -> set[str]:
    """P2P_* names a manifest sets or reads: env entries, ConfigMap/Secret keys, secret key references."""
    names = set()
    for node in walk(doc):
        if isinstance(node, dict):
            names |= {k for k in node if isinstance(k, str) and k.startswith("P2P_")}
            names |= {
                v for k, v in node.items() if k in ("name", "key") and isinstance(v, str) and v.startswith("P2P_")
            }
    return names


def containers() -> list[tuple[Path, dict[str, Any]]]:
    return [(path, c) for path, doc in documents() if doc["kind"] == "Deployment"
            for c in doc["spec"]["template"]["spec"]["containers"]]  # fmt: skip


def test_there_are_manifests_for_the_api_the_workers_and_their_settings() -> None:
    kinds = sorted(doc["kind"] for _, doc in documents())
    assert kinds == ["ConfigMap", "Deployment", "Deployment", "Kustomization", "PersistentVolumeClaim", "Secret",
                     "Service"]  # fmt: skip


@pytest.mark.parametrize("path", sorted(MANIFESTS.glob("*.yaml")), ids=lambda p: p.name)
def test_every_p2p_variable_in_a_manifest_is_a_real_setting(path: Path) -> None:
    named = set().union(*(p2p_names(doc) for doc in yaml.safe_load_all(path.read_text()) if doc))
    assert named - SETTINGS == set()


def test_the_settings_the_product_needs_in_production_are_provided() -> None:
    provided = set().union(*(p2p_names(doc) for _, doc in documents()))
    needed = {"P2P_ENV", "P2P_NEO4J_URI", "P2P_NEO4J_DATABASE", "P2P_NEO4J_PASSWORD", "P2P_FINGERPRINT_KEY",
              "P2P_AUTH_SIGNING_KEY", "P2P_PAYER_ID", "P2P_FHIR_BASE_URL", "P2P_API_HOST", "P2P_AUDIT_SIGNING_KEY"}  # fmt: skip
    assert needed - provided == set()


def test_references_resolve_to_objects_the_manifests_define() -> None:
    defined = {(doc["kind"], doc["metadata"]["name"]) for _, doc in documents() if "metadata" in doc}
    secret_keys = {k for _, doc in documents() if doc["kind"] == "Secret" for k in doc["stringData"]}
    config = {(c["configMapRef"]["name"]) for _, c in containers() for c in c.get("envFrom", [])}
    assert {("ConfigMap", name) for name in config} <= defined
    for _, container in containers():
        for env in container.get("env", []):
            ref = env["valueFrom"]["secretKeyRef"]
            assert ("Secret", ref["name"]) in defined and ref["key"] in secret_keys
    for path, doc in documents():
        for node in walk(doc):
            if isinstance(node, dict) and "claimName" in node:
                assert ("PersistentVolumeClaim", node["claimName"]) in defined, path
            if isinstance(node, dict) and "secretName" in node:
                assert all(item["key"] in secret_keys for item in node.get("items", [])), path
    resources = yaml.safe_load((MANIFESTS / "kustomization.yaml").read_text())["resources"]
    assert sorted(resources) == sorted(p.name for p in MANIFESTS.glob("*.yaml")
                                       if p.name not in ("kustomization.yaml", "secret.example.yaml"))  # fmt: skip


def test_the_containers_run_commands_the_cli_has() -> None:
    commands = {c.name for c in app.registered_commands} | {g.name for g in app.registered_groups}
    started = {container["args"][0] for _, container in containers()}
    assert started == {"serve", "worker"} and started <= commands
