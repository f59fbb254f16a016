"""Schemathesis against the served OpenAPI document, on a real database: whatever it sends, no
response is a 5xx and every response (status, content type, headers, body) is what the document
says. AVENIR_FUZZ_EXAMPLES sets how many generated cases per operation (`make fuzz` runs more).

The document is built at collection time by the code that serves it (schemathesis' lazy fixture
loader does not run under this pytest), and a test checks the served one is that document."""
import atexit
import json
import os
import shutil
import tempfile
import uuid

import hypothesis
import hypothesis.configuration
import hypothesis.stateful
import pytest
import schemathesis
from schemathesis import checks

from infra import openapi
from shared.clients import accounts

# Hypothesis' caches go to a temporary directory, not .hypothesis/ in the work tree.
HYPOTHESIS_HOME = tempfile.mkdtemp(prefix="avenir-hypothesis-")
hypothesis.configuration.set_hypothesis_home_dir(HYPOTHESIS_HOME)
atexit.register(shutil.rmtree, HYPOTHESIS_HOME, True)  # nothing left in the temporary directory
EXAMPLES = int(os.environ.get("AVENIR_FUZZ_EXAMPLES", "20"))
# Plus ignored_auth: a request that succeeded is sent again without the key and with a wrong one,
# and must then be refused.
# positive_data_acceptance: what the document allows is never refused as invalid (400, 422).
CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_headers_conformance, checks.response_schema_conformance, checks.ignored_auth,
          checks.positive_data_acceptance]


class Caller:
    """The internal client's current key (so every route reaches its handler) and a few of its
    leads, so that fuzzed tag and revert calls meet real leads, not only unknown ids."""

    def __init__(self, database):
        _, self.api_key = accounts.issue_internal_key("Avenir AI Solutions", "internal@aveniraisolutions.ca")
        self.lead_ids = [row["id"] for row in database.sql(
            "INSERT INTO lead_memory (email, name, client_id, current_tag) "
            "SELECT 'fuzz' || n || '@avenir.ca', 'Fuzz ' || n, :c, (ARRAY['Active', 'Converted'])[1 + n % 2] "
            "FROM generate_series(1, 8) AS n RETURNING id", c=accounts.INTERNAL_CLIENT_ID)]


@pytest.fixture(scope="module")
def caller(database):
    return Caller(database)


schema = schemathesis.openapi.from_dict(openapi.document())


def fresh_idempotency_key(case) -> None:
    """Generated keys repeat across cases with other bodies, which is a documented 422
    (idempotency_key_reuse) that depends on what was sent before: each case gets a key of its own."""
    if case.headers and "Idempotency-Key" in case.headers:
        case.headers["Idempotency-Key"] = f"{case.headers['Idempotency-Key']}-{uuid.uuid4().hex}"[-200:]


def test_the_fuzzed_document_is_the_one_the_server_serves(api):
    served = api.get("/openapi.json")
    assert served.status == 200 and served.json == json.loads(json.dumps(openapi.document()))


@schema.parametrize()
@hypothesis.settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                     suppress_health_check=list(hypothesis.HealthCheck))
def test_no_input_gets_a_server_error_or_an_undocumented_answer(case, caller, server):
    lead_id = case.path_parameters.get("lead_id") if case.path_parameters else None
    if lead_id:
        try:
            generated = uuid.UUID(str(lead_id))
            if generated.int % 4:  # three in four well-formed ids become one of the caller's leads
                case.path_parameters["lead_id"] = str(caller.lead_ids[generated.int % len(caller.lead_ids)])
        except ValueError:
            pass  # a malformed id stays: it must be a documented 4xx
    fresh_idempotency_key(case)
    response = case.call_and_validate(base_url=server, headers={"x-api-key": caller.api_key}, checks=CHECKS)
    if case.path == "/api/clients/rotate-key" and response.status_code == 200:
        caller.api_key = response.json()["api_key"]


def test_sequences_that_follow_the_documents_links_stay_within_the_document(server, caller):
    """Stateful: leads taken in, then tagged and reverted through the links the document gives,
    in generated orders; every answer on the way is checked like the single calls above."""
    workflow_schema = schemathesis.openapi.from_dict(openapi.document())


    class Workflow(workflow_schema.as_state_machine()):
        def get_call_kwargs(self, case):
            fresh_idempotency_key(case)
            return {"base_url": server, "headers": {"x-api-key": caller.api_key}}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS)

    hypothesis.stateful.run_state_machine_as_test(Workflow, settings=hypothesis.settings(
        max_examples=max(3, EXAMPLES // 2), stateful_step_count=6, deadline=None, derandomize=True,
        database=None, suppress_health_check=list(hypothesis.HealthCheck)))
