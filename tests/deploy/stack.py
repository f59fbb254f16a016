"""template.yaml read the way CloudFormation reads it (short-form tags such as !Ref and !Sub become
their long form), and the views the deploy tests need: functions with Globals merged in, the
HTTP API routes, schedules, and the values a function gets once parameters are given."""
import copy
from dataclasses import dataclass
from pathlib import Path

import yaml

from infra import functions
from shared.platform import http

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"

# Every function folder -> the HTTP routes its ROUTES declare (infra/functions.py), as API Gateway
# takes them (functions.gateway_path): the one route table the template is held to.
CONTRACT_ROUTES = {name: {(route.method, functions.gateway_path(route.path))
                          for route in functions.module(name).ROUTES.routes
                          if (route.method, route.path) != http.SCHEDULE}
                   for name in functions.names()}
NIGHTLY_CRON = "cron(0 6 * * ? *)"

_TAGS = ["Ref", "Condition", "Base64", "Cidr", "FindInMap", "GetAtt", "GetAZs", "ImportValue", "Join",
         "Select", "Split", "Sub", "Transform", "And", "Equals", "If", "Not", "Or", "ToJsonString", "Length"]


class CloudFormationLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short-form intrinsic functions: `!Ref X` -> {"Ref": "X"},
    `!GetAtt A.B` -> {"Fn::GetAtt": ["A", "B"]}, `!Sub s` -> {"Fn::Sub": s}."""


def _intrinsic(tag: str):
    key = "Ref" if tag in ("Ref", "Condition") else f"Fn::{tag}"

    def construct(loader: yaml.Loader, node: yaml.Node):
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
            if tag == "GetAtt":
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return {key: value}
    return construct


for _tag in _TAGS:
    CloudFormationLoader.add_constructor(f"!{_tag}", _intrinsic(_tag))


def load(text: str | None = None) -> dict:
    return yaml.load(TEMPLATE.read_text() if text is None else text, Loader=CloudFormationLoader)


@dataclass
class Function:
    logical_id: str
    properties: dict  # Globals.Function merged under the resource's own properties

    @property
    def folder(self) -> str:
        return Path(self.properties["CodeUri"]).name

    @property
    def events(self) -> dict:
        return self.properties.get("Events", {})

    def routes(self) -> set[tuple[str, str]]:
        return {(e["Properties"]["Method"].upper(), e["Properties"]["Path"])
                for e in self.events.values() if e["Type"] == "HttpApi"}

    def schedules(self) -> list[dict]:
        return [e["Properties"] for e in self.events.values() if e["Type"] in ("Schedule", "ScheduleV2")]


def functions(template: dict) -> list[Function]:
    defaults = template.get("Globals", {}).get("Function", {})
    found = []
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] == "AWS::Serverless::Function":
            found.append(Function(logical_id, _merge(defaults, resource.get("Properties", {}))))
    return found


def function_for(template: dict, folder: str) -> Function:
    matches = [f for f in functions(template) if f.folder == folder]
    assert len(matches) == 1, f"expected one function with CodeUri functions/{folder}/, found {len(matches)}"
    return matches[0]


def _merge(defaults: dict, own: dict) -> dict:
    """SAM's Globals rule: maps merge (the resource wins), everything else is replaced,
    except lists such as Layers, which are appended to the global ones."""
    merged = copy.deepcopy(defaults)
    for key, value in own.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        elif isinstance(value, list) and isinstance(merged.get(key), list):
            merged[key] = merged[key] + value
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def resolve(value, parameters: dict):
    """Resolve the Refs to template parameters (with their defaults) in a value."""
    if isinstance(value, dict):
        if set(value) == {"Ref"} and value["Ref"] in parameters:
            return parameters[value["Ref"]]
        return {k: resolve(v, parameters) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, parameters) for v in value]
    return value


def parameter_values(template: dict, **given) -> dict:
    values = {name: str(p["Default"]) for name, p in template.get("Parameters", {}).items() if "Default" in p}
    values.update(given)
    missing = set(template.get("Parameters", {})) - set(values)
    assert not missing, f"parameters without a value: {sorted(missing)}"
    return values


def environment(template: dict, folder: str, **parameters) -> dict[str, str]:
    """The environment variables the template gives one function, parameters resolved."""
    function = function_for(template, folder)
    variables = function.properties.get("Environment", {}).get("Variables", {})
    return {k: str(v) for k, v in resolve(variables, parameter_values(template, **parameters)).items()}
