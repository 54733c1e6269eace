"""The Zero to JupyterHub configuration (classroom/z2jh/config.yaml) is one the chart accepts, sized as measured.

It is validated against the chart's own values schema, vendored with the chart version it
belongs to (classroom/z2jh/README.md), as ``helm install`` validates it; its memory request
and limit are the ones the measured sizing gives (classroom/sizing.json, tools/sizing.py); its
start-up hook hands the chapters out and trusts them (tests/test_hub.py runs that hook in a
real hub).
"""

import copy
import json
import re

import jsonschema
import pytest
import yaml

from tests.helpers import ROOT
from tools import sizing

Z2JH = ROOT / "classroom" / "z2jh"
CHART_VERSION = "4.4.0"


def config():
    return yaml.safe_load((Z2JH / "config.yaml").read_text(encoding="utf-8"))


def merged(defaults, values):
    """``values`` over the chart's ``defaults`` as Helm merges them: maps key by key, anything else replaced."""
    result = dict(defaults)
    for key, value in values.items():
        if isinstance(value, dict) and isinstance(defaults.get(key), dict):
            result[key] = merged(defaults[key], value)
        elif value is None:
            result.pop(key, None)  # null removes a default in Helm
        else:
            result[key] = value
    return result


def problems(values):
    """Every place where ``values``, over the chart's defaults, breaks the chart's schema: what helm checks."""
    schema = json.loads((Z2JH / "values.schema.json").read_text(encoding="utf-8"))
    defaults = yaml.safe_load((Z2JH / "chart-values.yaml").read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    return [f"{'.'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}"
            for error in validator.iter_errors(merged(defaults, values))]


def test_the_configuration_is_valid_for_the_chart():
    assert problems(config()) == []


def test_the_charts_own_defaults_are_valid():
    assert problems({}) == []


@pytest.mark.parametrize("where, key, value", [
    ("singleuser", "memmory", {"limit": "1G"}),  # a misspelt key: the chart ignores nothing
    ("singleuser.memory", "limits", "1G"),
    ("singleuser.lifecycleHooks", "poststart", {"exec": {"command": ["true"]}}),
    ("singleuser.image", "tag", 2026),  # a number where the chart wants a string
])
def test_a_planted_mistake_is_refused(where, key, value):
    values = copy.deepcopy(config())
    place = values
    for name in where.split("."):
        place = place[name]
    place[key] = value
    assert problems(values), f"the schema accepted {where}.{key} = {value!r}"


def test_the_vendored_schema_is_the_charts_named_version():
    readme = (Z2JH / "README.md").read_text(encoding="utf-8")
    assert f"jupyterhub {CHART_VERSION}" in readme and re.search(r"commit\s+`[0-9a-f]{40}`", readme)
    assert f"--version {CHART_VERSION}" in (Z2JH / "config.yaml").read_text(encoding="utf-8")


def mebibytes(quantity):
    """A memory value of the chart ("1408M", "2G") in MiB, as KubeSpawner reads it (JupyterHub's
    ByteSpecification: K, M, G are powers of 1024)."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([KMG])", str(quantity))
    if match is None:
        raise ValueError(f"memory {quantity!r} is not a number followed by K, M or G")
    return float(match.group(1)) * 1024 ** "KMG".index(match.group(2)) / 1024


def test_memory_is_the_measured_sizing():
    memory = config()["singleuser"]["memory"]
    wanted = sizing.per_student(sizing.saved())
    assert mebibytes(memory["guarantee"]) >= wanted["memory_guarantee_mb"]
    assert mebibytes(memory["limit"]) >= wanted["memory_limit_mb"]
    # and not far above it: a configuration that reserves twice the measured need halves the class
    assert mebibytes(memory["guarantee"]) < wanted["memory_guarantee_mb"] * 1.1
    assert mebibytes(memory["limit"]) < wanted["memory_limit_mb"] * 1.1


def test_the_start_up_hook_hands_the_chapters_out_and_trusts_them():
    single = config()["singleuser"]
    command = single["lifecycleHooks"]["postStart"]["exec"]["command"]
    assert command[:2] == ["bash", "-c"]
    assert re.search(r'gitpuller "\$COURSE_REPOSITORY" main (\S+) && jupyter trust \1/notebooks/\*\.ipynb \1/notebooks/zh/\*\.ipynb', command[2])
    assert "COURSE_REPOSITORY" in single["extraEnv"] and "KERAS_HOME" in single["extraEnv"]
