"""template.yaml deploys what the contract promises: cfn-lint finds no error in it, every contract
route and the nightly schedule are wired to the right function, each handler it names imports,
the functions read the database secret and only that secret, and the shared layer builds into the
place Lambda imports it from."""
import ast
import importlib.metadata
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from shared.platform import http
from tests.deploy import stack
from tests.helpers import load_function

REGION = "ca-central-1"
# What Lambda's python3.11 runtime already has, or what only the local server uses.
NOT_SHIPPED = {"boto3", "botocore", "flask", "functions_framework", "werkzeug", "gunicorn"}


@pytest.fixture(scope="module")
def template() -> dict:
    return stack.load()


# --- cfn-lint -------------------------------------------------------------------------------

def test_cfn_lint_finds_nothing_wrong_with_the_template():
    result = subprocess.run([str(Path(sys.executable).with_name("cfn-lint")), "--regions", REGION, "--",
                             str(stack.TEMPLATE)], capture_output=True, text=True, cwd=stack.ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


PSEUDO_PARAMETERS = {"AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition", "AWS::Region",
                     "AWS::StackId", "AWS::StackName", "AWS::URLSuffix"}


def dangling_references(template: dict) -> list[str]:
    """Ref, GetAtt and ${} names that are neither a parameter, a resource nor a pseudo parameter
    (cfn-lint does not follow them inside SAM resources)."""
    known = set(template.get("Parameters", {})) | set(template["Resources"]) | PSEUDO_PARAMETERS
    found = []

    def walk(value):
        if isinstance(value, dict):
            for key, inner in value.items():
                if key == "Ref":
                    found.append(inner)
                elif key == "Fn::GetAtt":
                    found.append(inner[0])
                elif key == "Fn::Sub":
                    text, names = (inner[0], inner[1]) if isinstance(inner, list) else (inner, {})
                    found.extend(n.split(".")[0] for n in re.findall(r"\$\{([^!}][^}]*)\}", text) if n not in names)
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)
    walk({k: template.get(k) for k in ("Globals", "Resources", "Outputs")})
    return sorted({name for name in found if name not in known})


def test_every_reference_in_the_template_names_something_it_declares(template):
    assert dangling_references(template) == []


def test_a_reference_to_nothing_is_caught():
    broken = stack.load(stack.TEMPLATE.read_text().replace("ApiId: !Ref HttpApi", "ApiId: !Ref NoSuchApi", 1))
    assert dangling_references(broken) == ["NoSuchApi"]


# --- functions and routes -------------------------------------------------------------------

def test_the_template_has_one_function_per_contract_folder(template):
    folders = sorted(f.folder for f in stack.functions(template))
    assert folders == sorted(stack.CONTRACT_ROUTES)
    for function in stack.functions(template):
        props = function.properties
        assert props["CodeUri"] == f"functions/{function.folder}/"
        assert props["Handler"] == "main.handler"
        assert props["Runtime"] == "python3.11"
        assert {"Ref": "SharedLayer"} in props["Layers"], function.logical_id


def test_every_contract_route_is_on_the_one_http_api_exactly(template):
    apis = [name for name, r in template["Resources"].items() if r["Type"] == "AWS::Serverless::HttpApi"]
    assert apis == ["HttpApi"]
    events = [(f.folder, e["Properties"]) for f in stack.functions(template)
              for e in f.events.values() if e["Type"] == "HttpApi"]
    routes = [(p["Method"].upper(), p["Path"]) for _, p in events]
    assert len(routes) == len(set(routes)), f"a route is declared twice: {routes}"
    assert set(routes) == set().union(*stack.CONTRACT_ROUTES.values())
    for folder, props in events:
        assert (props["Method"].upper(), props["Path"]) in stack.CONTRACT_ROUTES[folder]
        assert props["ApiId"] == {"Ref": "HttpApi"}
        assert props.get("PayloadFormatVersion", "2.0") == "2.0"  # what shared/platform/http/aws_lambda.py reads


def test_daily_intelligence_runs_every_night_at_six_utc(template):
    schedules = stack.function_for(template, "daily_intelligence").schedules()
    assert len(schedules) == 1
    (nightly,) = schedules
    expression = nightly.get("Schedule") or nightly.get("ScheduleExpression")
    assert expression == stack.NIGHTLY_CRON
    assert nightly.get("Enabled", True) is True and nightly.get("State", "ENABLED") == "ENABLED"
    assert nightly.get("ScheduleExpressionTimezone", "UTC") == "UTC"
    others = {f.folder: [s.get("Schedule") for s in f.schedules()] for f in stack.functions(template)
              if f.folder != "daily_intelligence" and f.schedules()}
    assert others == {"followup_sender": ["rate(1 minute)"], "data_maintenance": ["cron(30 6 * * ? *)"]}


def test_the_data_maintenance_runs_every_night_after_the_intelligence_has_finished(template):
    (nightly,) = stack.function_for(template, "data_maintenance").schedules()
    minute, hour = (int(part) for part in nightly["Schedule"].removeprefix("cron(").split()[:2])
    intelligence = stack.function_for(template, "daily_intelligence").properties["Timeout"]
    assert nightly.get("Enabled", True) is True
    assert (hour, minute) > (6, 0) and (hour - 6) * 3600 + minute * 60 >= intelligence, \
        "the maintenance starts once the 06:00 intelligence run can no longer be running"
    assert stack.CONTRACT_ROUTES["data_maintenance"] == set()


@pytest.mark.parametrize("folder", sorted(stack.CONTRACT_ROUTES))
def test_the_handler_the_template_names_imports_and_is_callable(template, folder):
    module_name, attribute = stack.function_for(template, folder).properties["Handler"].rsplit(".", 1)
    assert module_name == "main"
    if not (stack.ROOT / "functions" / folder / "main.py").exists():
        pytest.fail(f"functions/{folder}/main.py, named by template.yaml, does not exist")
    module = load_function(folder)
    assert callable(getattr(module, attribute))


@pytest.mark.parametrize("folder", sorted(stack.CONTRACT_ROUTES))
def test_the_template_sends_each_function_exactly_the_routes_its_code_answers(template, folder):
    """Each API Gateway route reaches a function whose own route table answers it, and every
    HTTP route in that table is on the API (SCHEDULE is the EventBridge trigger, not a route)."""
    declared = stack.function_for(template, folder).routes()
    table = [(route.method, route.path) for route in load_function(folder).ROUTES.routes if route.method != "SCHEDULE"]
    samples = [(method, re.sub(r"\{\w+\}", "0b6f8a52-6a43-4c3e-9a8e-2f1d5c7b9e10", path)) for method, path in table]
    for method, sample in samples:  # each route of the code is reached through the API
        assert any(m == method and http.path_matches(p, sample) for m, p in declared), (method, sample)
    for method, path in declared:  # and each route of the API reaches one of the code's
        assert any(m == method and http.path_matches(path, sample) for m, sample in samples), (method, path)


# --- configuration, permissions, limits -----------------------------------------------------

def test_every_function_gets_the_database_secret_and_may_read_only_that_secret(template):
    parameter = template["Parameters"]["DatabaseSecretArn"]
    assert parameter["Type"] == "String" and "Default" not in parameter
    secret = {"Ref": "DatabaseSecretArn"}
    for function in stack.functions(template):
        props = function.properties
        assert props["Environment"]["Variables"]["DATABASE_SECRET_ARN"] == secret
        assert "DATABASE_URL" not in props["Environment"]["Variables"]
        assert "Role" not in props, "a hand-made role would bypass the policy checked here"
        for policy in props["Policies"]:
            if any(allowed(policy) for allowed in MORE_GRANTED.get(function.folder, ())):
                continue
            assert _grants_only_the_secret(policy, secret), (function.logical_id, policy)
        assert any("AWSSecretsManagerGetSecretValuePolicy" in p or "Statement" in p for p in props["Policies"])


def _sends_only_from_the_platform_address(policy) -> bool:
    """The follow-up sender's one other statement: SES SendRawEmail, from SesFromAddress only."""
    return isinstance(policy, dict) and set(policy) == {"Statement"} and all(
        s["Effect"] == "Allow" and s["Action"] in ("ses:SendRawEmail", ["ses:SendRawEmail"])
        and s["Condition"] == {"StringEquals": {"ses:FromAddress": {"Ref": "SesFromAddress"}}}
        for s in policy["Statement"])


def _publishes_text_messages(policy) -> bool:
    """The follow-up sender's owner alerts by SMS: sns:Publish to phone numbers (which have no ARN)."""
    return isinstance(policy, dict) and set(policy) == {"Statement"} and all(
        s["Effect"] == "Allow" and s["Action"] == "sns:Publish" for s in policy["Statement"])


def _wakes_the_sender(policy) -> bool:
    """The intake's message to the follow-up sender's queue, and no other queue."""
    return policy == {"SQSSendMessagePolicy": {"QueueName": {"Fn::GetAtt": ["SenderWakeQueue", "QueueName"]}}}


# What a function may do besides reading the database secret.
MORE_GRANTED = {"followup_sender": (_sends_only_from_the_platform_address, _publishes_text_messages),
                "lead_intake": (_wakes_the_sender,)}


def test_an_intake_wakes_the_sender_through_its_queue_and_the_minute_stays(template):
    sender = stack.function_for(template, "followup_sender").properties
    events = {e["Type"]: e["Properties"] for e in sender["Events"].values()}
    assert events["Schedule"]["Schedule"] == "rate(1 minute)"
    assert events["SQS"]["Queue"] == {"Fn::GetAtt": ["SenderWakeQueue", "Arn"]}
    queue = template["Resources"]["SenderWakeQueue"]["Properties"]
    assert queue["VisibilityTimeout"] > sender["Timeout"]
    assert template["Globals"]["Function"]["Environment"]["Variables"]["AVENIR_WAKE_QUEUE_URL"] == {
        "Ref": "SenderWakeQueue"}


def _grants_only_the_secret(policy, secret) -> bool:
    if isinstance(policy, dict) and set(policy) == {"AWSSecretsManagerGetSecretValuePolicy"}:
        return policy["AWSSecretsManagerGetSecretValuePolicy"] == {"SecretArn": secret}
    if isinstance(policy, dict) and "Statement" in policy:
        return all(s["Effect"] == "Allow" and s["Action"] in ("secretsmanager:GetSecretValue",
                                                              ["secretsmanager:GetSecretValue"])
                   and s["Resource"] in (secret, [secret]) for s in policy["Statement"])
    return False  # managed policies and other templates grant more than the one secret


def test_the_http_api_throttles_every_route(template):
    settings = template["Resources"]["HttpApi"]["Properties"]["DefaultRouteSettings"]
    params = stack.parameter_values(template, DatabaseSecretArn="arn")
    burst = int(stack.resolve(settings["ThrottlingBurstLimit"], params))
    rate = float(stack.resolve(settings["ThrottlingRateLimit"], params))
    assert 0 < rate <= burst


def test_timeouts_fit_api_gateway_and_the_nightly_job_gets_longer(template):
    timeouts = {f.folder: f.properties["Timeout"] for f in stack.functions(template)}
    memory = {f.folder: f.properties["MemorySize"] for f in stack.functions(template)}
    http_only = {k: v for k, v in timeouts.items() if k not in ("daily_intelligence", "data_maintenance")}
    assert max(http_only.values()) <= 29, "API Gateway HTTP APIs give up on an integration after 30 s"
    assert timeouts["daily_intelligence"] >= 5 * max(http_only.values())
    assert all(128 <= m <= 10240 for m in memory.values())


def test_every_function_logs_to_a_group_with_retention(template):
    resources = template["Resources"]
    for function in stack.functions(template):
        group = function.properties["LoggingConfig"]["LogGroup"]["Ref"]
        assert resources[group]["Type"] == "AWS::Logs::LogGroup"
        assert "RetentionInDays" in resources[group]["Properties"], group
    groups = [r["Properties"].get("LogGroupName") for r in resources.values() if r["Type"] == "AWS::Logs::LogGroup"]
    assert len(groups) == len(set(map(json.dumps, groups))), "two functions share a log group"


def test_the_outputs_give_the_api_url(template):
    url = template["Outputs"]["ApiUrl"]["Value"]["Fn::Sub"]
    assert url.startswith("https://${HttpApi}.execute-api.${AWS::Region}.")
    assert template["Outputs"]["LeadWebhookUrl"]["Value"]["Fn::Sub"].endswith("/api/lead")


# --- the shared layer -----------------------------------------------------------------------

def layer(template) -> dict:
    (resource,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::Serverless::LayerVersion"]
    return resource


def test_the_shared_package_ships_once_as_a_layer_built_by_make(template):
    resource = layer(template)
    assert resource["Properties"]["ContentUri"].rstrip("/") == "shared"
    assert resource["Metadata"]["BuildMethod"] == "makefile"
    makefile = stack.ROOT / resource["Metadata"]["ContextPath"] / "Makefile"
    assert re.search(r"^build-SharedLayer:", makefile.read_text(), re.M)
    for function in stack.functions(template):
        shipped = [p.name for p in (stack.ROOT / "functions" / function.folder).glob("*")
                   if p.name != "__pycache__"]
        assert "shared" not in shipped, f"functions/{function.folder} carries its own copy of shared/"


def test_the_layer_build_puts_shared_where_lambda_imports_it_from(template, tmp_path):
    """Run the layer's make target the way sam build does (working directory = a copy of the
    ContentUri, ARTIFACTS_DIR set), without downloading wheels, then import every handler with
    the function folder first on sys.path and the layer's python/ next, as Lambda orders them.
    The layer ships bytecode that needs no mtime check (Lambda's /opt is read-only)."""
    resource = layer(template)
    scratch, artifacts = tmp_path / "scratch", tmp_path / "artifacts"
    shutil.copytree(stack.ROOT / resource["Properties"]["ContentUri"], scratch)
    makefile = stack.ROOT / resource["Metadata"]["ContextPath"] / "Makefile"
    subprocess.run(["make", "-s", "-f", str(makefile), "build-SharedLayer", f"ARTIFACTS_DIR={artifacts}",
                    "PIP_INSTALL=true", f"PYTHON={sys.executable}"], cwd=scratch, check=True, capture_output=True)
    assert (artifacts / "python" / "shared" / "platform" / "http" / "routing.py").is_file()
    bytecode = list((artifacts / "python" / "shared").rglob("*.pyc"))
    assert {p.name.split(".")[0] for p in bytecode} >= {"routing", "aws_lambda", "db", "settings"}
    for pyc in bytecode:  # PEP 552 flags 0b01: hash-based and never checked against the source's mtime
        assert int.from_bytes(pyc.read_bytes()[4:8], "little") == 0b01, pyc
    folders = sorted(f.folder for f in stack.functions(template)
                     if (stack.ROOT / "functions" / f.folder / "main.py").exists())
    probe = """
import importlib, json, os, sys
rest = [p for p in sys.path if p and p != sys.argv[1]]  # the standard library and site-packages
result = {}
for folder in sys.argv[2:]:
    sys.path[:] = [sys.argv[1] + "/functions/" + folder, os.environ["LAYER_PYTHON"]] + rest
    for name in [m for m in sys.modules if m == "main" or m == "shared" or m.startswith("shared.")]:
        del sys.modules[name]
    main = importlib.import_module("main")
    result[folder] = [callable(main.handler), sys.modules["shared"].__file__]
print(json.dumps(result))
"""
    env = dict(os.environ, LAYER_PYTHON=str(artifacts / "python"))
    out = subprocess.run([sys.executable, "-c", probe, str(stack.ROOT), *folders], env=env, cwd=tmp_path,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    for folder, (callable_handler, shared_file) in json.loads(out.stdout).items():
        assert callable_handler, folder
        assert shared_file.startswith(str(artifacts / "python" / "shared")), (folder, shared_file)


def test_the_layer_requirements_cover_every_package_the_code_imports(template):
    listed = {_normal(re.split(r"[\[=<>~! ;]", line.strip())[0])
              for line in (stack.ROOT / "infra" / "layer" / "requirements.txt").read_text().splitlines()
              if line.strip() and not line.lstrip().startswith("#")}
    distributions = importlib.metadata.packages_distributions()
    sources = list((stack.ROOT / "shared").rglob("*.py")) + list((stack.ROOT / "functions").glob("*/main.py"))
    missing = {}
    for path in sources:
        for module in _top_level_imports(path) - set(sys.stdlib_module_names) - NOT_SHIPPED - {"shared"}:
            dists = {_normal(d) for d in distributions.get(module, [module])}
            if not dists & listed:
                missing.setdefault(module, []).append(str(path.relative_to(stack.ROOT)))
    assert missing == {}, f"imported but not in infra/layer/requirements.txt: {missing}"


def _top_level_imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


# --- the README's Deploy section --------------------------------------------------------------

def test_the_readme_deploy_section_matches_the_template_and_samconfig(template):
    readme = (stack.ROOT / "README.md").read_text()
    assert "\n## Deploy\n" in readme
    section = readme.split("\n## Deploy\n", 1)[1].split("\n## ", 1)[0]
    samconfig = tomllib.loads((stack.ROOT / "infra" / "samconfig.toml").read_text())["default"]
    assert "sam build && sam deploy --guided --config-file infra/samconfig.toml" in section
    assert f"stack `{samconfig['global']['parameters']['stack_name']}`" in section
    assert f"region `{samconfig['global']['parameters']['region']}`" in section
    assert f"`{stack.NIGHTLY_CRON}`" in section
    for name in template["Parameters"]:
        assert f"`{name}`" in section, f"parameter {name} is not documented"
    for name in template["Outputs"]:
        if name != "SharedLayerArn":
            assert f"`{name}`" in section, f"output {name} is not documented"
    for match in re.finditer(r"--source (functions/(\w+)/main\.py) --target (\w+)", section):
        source, folder, target = match.groups()
        assert folder in stack.CONTRACT_ROUTES and callable(getattr(load_function(folder), target))
    params = stack.parameter_values(template, DatabaseSecretArn="arn")
    settings = template["Resources"]["HttpApi"]["Properties"]["DefaultRouteSettings"]
    burst, rate = (stack.resolve(settings[k], params) for k in ("ThrottlingBurstLimit", "ThrottlingRateLimit"))
    assert f"`{burst}` / `{rate}` per second" in section
    assert f"| `LogRetentionDays` | `{params['LogRetentionDays']}` |" in section


# --- the database secret parameter ----------------------------------------------------------------

def samconfig_parameter(name: str) -> str:
    samconfig = tomllib.loads((stack.ROOT / "infra" / "samconfig.toml").read_text())["default"]
    overrides = shlex.split(samconfig["deploy"]["parameters"]["parameter_overrides"])
    return dict(override.split("=", 1) for override in overrides)[name]


def test_the_placeholder_secret_arn_in_samconfig_is_refused_when_the_stack_is_deployed(template):
    """CloudFormation checks AllowedPattern (anchored, whole value) before it creates anything: the
    placeholder fails there with the ConstraintDescription, not in a function at run time."""
    parameter = template["Parameters"]["DatabaseSecretArn"]
    placeholder = samconfig_parameter("DatabaseSecretArn")
    assert re.fullmatch(parameter["AllowedPattern"], placeholder) is None, placeholder
    assert "samconfig" in parameter["ConstraintDescription"]


@pytest.mark.parametrize("arn", ["arn:aws:secretsmanager:ca-central-1:123456789012:secret:avenir/database-a1B2c3",
                                 "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:db-Xy12Zz"])
def test_a_real_secret_arn_passes_the_parameter_pattern(template, arn):
    assert re.fullmatch(template["Parameters"]["DatabaseSecretArn"]["AllowedPattern"], arn)


@pytest.mark.parametrize("arn", ["", "avenir/database", "arn:aws:secretsmanager:ca-central-1:1234:secret:db-a1B2c3",
                                 "arn:aws:ssm:ca-central-1:123456789012:parameter/db"])
def test_what_is_not_a_secret_arn_fails_the_parameter_pattern(template, arn):
    assert re.fullmatch(template["Parameters"]["DatabaseSecretArn"]["AllowedPattern"], arn) is None
