"""The dbt project keeps its conventions: every model documented and tested in a YAML beside its SQL, models in
their layer's folder under the layer's naming, and every test stored with a severity."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

LAYERS = {"staging": "stg_", "intermediate": "int_", "marts": ("dim_", "fct_", "bridge_", "dq_")}


@pytest.fixture(scope="module")
def nodes(dbt_manifest: Path) -> dict[str, dict]:
    return json.loads(dbt_manifest.read_text())["nodes"]


def test_every_model_has_a_yaml_beside_it_with_a_description_and_tests(nodes: dict[str, dict]) -> None:
    models = {uid: node for uid, node in nodes.items() if node["resource_type"] == "model"}
    tested = {
        parent for node in nodes.values() if node["resource_type"] == "test" for parent in node["depends_on"]["nodes"]
    }

    assert len(models) > 50
    beside = {
        uid
        for uid, node in models.items()
        if Path(node["original_file_path"]).with_suffix(".yml").as_posix()
        == (node.get("patch_path") or "").split("://")[-1]
    }
    assert sorted(set(models) - beside) == []
    assert sorted(uid for uid, node in models.items() if not node["description"].strip()) == []
    assert sorted(set(models) - tested) == []


def test_models_sit_in_their_layer_under_its_naming(nodes: dict[str, dict]) -> None:
    misplaced = []
    for node in nodes.values():
        if node["resource_type"] != "model":
            continue
        layer = node["fqn"][1]
        if layer not in LAYERS or not node["name"].startswith(LAYERS[layer]):
            misplaced.append(node["original_file_path"])
        elif layer == "staging" and not node["name"].startswith(f"stg_{node['fqn'][2]}__"):
            misplaced.append(node["original_file_path"])  # stg_<source>__<entity>s in staging/<source>/
    assert misplaced == []


def test_every_test_has_a_severity(nodes: dict[str, dict]) -> None:
    tests = [node for node in nodes.values() if node["resource_type"] == "test"]
    assert {node["config"]["severity"].lower() for node in tests} <= {"error", "warn"}
    assert sum(node["config"]["severity"].lower() == "error" for node in tests) > len(tests) / 2
