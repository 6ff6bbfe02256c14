"""The OpenAPI schema generates cleanly and the docs page loads nothing from the internet."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_schema_generates_and_validates_with_warnings_as_errors(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "/api/workspaces/{workspace_slug}/providers/{id}/" in text
    assert "ApiKey" in text  # the bearer-key security scheme


def test_schema_endpoint_serves_openapi_to_a_signed_in_user(session_client, owner):
    response = session_client(owner).get("/api/schema/?format=json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def test_docs_page_references_no_external_host(session_client, owner):
    response = session_client(owner).get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    hosts = re.findall(r"(?:https?:)?//([\w.-]+)", html)
    assert [host for host in hosts if host not in {"testserver", "localhost"}] == []
