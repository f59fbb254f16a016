"""A cold start imports only what the Lambda path needs: no flask or functions_framework (local
serving), and no boto3 until the secret is actually read. The import time and peak memory of each
module are printed (run with -s) and recorded as test properties; nothing here asserts on time."""
import pytest

from tests.deploy import cold_start, stack

SECRET_ARN = "arn:aws:secretsmanager:ca-central-1:123456789012:secret:avenir/database-AbCdEf"


@pytest.mark.parametrize("folder", sorted(stack.CONTRACT_ROUTES))
def test_the_lambda_module_imports_without_the_local_server_or_boto3(folder, record_property):
    measured = cold_start.measure(folder, {"DATABASE_URL": "", "DATABASE_SECRET_ARN": ""})
    record_property("import_ms", measured["import_ms"])
    record_property("peak_rss_mib", measured["peak_rss_mib"])
    print(f"\n{folder}: import {measured['import_ms']} ms, peak RSS {measured['peak_rss_mib']} MiB "
          f"(bare interpreter {measured['interpreter_rss_mib']} MiB)")
    assert measured["handler_callable"]
    assert measured["modules"] == []


@pytest.mark.parametrize("folder", sorted(stack.CONTRACT_ROUTES))
def test_with_the_secret_configured_boto3_still_waits_for_the_first_database_use(folder):
    measured = cold_start.measure(folder, {"DATABASE_URL": "", "DATABASE_SECRET_ARN": SECRET_ARN})
    assert measured["modules"] == []


def test_a_module_that_drags_in_the_local_server_is_caught(tmp_path):
    (tmp_path / "main.py").write_text("import functions_framework\n\ndef handler(event, context):\n    return {}\n")
    assert {"flask", "functions_framework"} <= set(cold_start.measure(tmp_path)["modules"])
