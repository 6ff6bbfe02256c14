"""Every operation of the REST API, tried with a few examples schemathesis draws from the
API's own OpenAPI schema, against a live hub with an owner's key of every scope: no example
gets a server error (the drills found 500s from huge page numbers, a 5xx from sync-models).
One test walks every operation, so the live hub and its workspace are set up once."""

from __future__ import annotations

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings

from tests.clients import ALL_SCOPES, make_key

pytestmark = pytest.mark.live_server
EXAMPLES = 4  # per operation; derandomised, so a run is repeatable


def test_no_operation_answers_a_server_error(gateway):
    owner = gateway.workspace.memberships.get(role="owner").user
    headers = {"Authorization": f"Bearer {make_key(owner, gateway.workspace, ALL_SCOPES)}"}
    schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40, "the whole API is walked"
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        def check(case) -> None:
            if "workspace_slug" in (case.path_parameters or {}):
                case.path_parameters["workspace_slug"] = gateway.workspace.slug
            if (case.path_parameters or {}).get("pk") in (0, 1):
                case.path_parameters["pk"] = gateway.provider.pk  # some examples reach a row
            response = case.call(base_url=gateway.url, headers=headers)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.text[:300]}")

        check()
    assert not failures, failures
