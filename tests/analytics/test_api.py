"""GET /api/workspaces/<slug>/usage/: filters, totals, CSV export, and workspace isolation."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import AsyncClient
from django.utils import timezone
from rest_framework.test import APIClient

from tests import factories
from tests.analytics.factories import make_usage
from workspaces import services
from workspaces.models import ApiKeyScope

pytestmark = pytest.mark.django_db


def key_client(user, workspace, scopes):
    _key, raw = services.api_key_create(
        actor=factories.actor_for(user, workspace), name="k", scopes=scopes
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client, _key


@pytest.fixture
def usage(workspace, other_workspace):
    now = timezone.now()
    make_usage(workspace, provider_slug="sim", model="sim/a", cost_usd=Decimal("0.5"), at=now)
    make_usage(workspace, provider_slug="sim", model="sim/b", cost_usd=Decimal("0.25"), at=now,
               status="error", http_status=502, error_class="upstream_error", output_tokens=0)  # fmt: skip
    make_usage(workspace, provider_slug="oa", model="oa/gpt", source="chat", cost_usd=Decimal("1"),
               at=now - timedelta(days=3), input_tokens=100, output_tokens=50)  # fmt: skip
    make_usage(other_workspace, provider_slug="sim", model="sim/a", cost_usd=Decimal("9"))


def url(workspace) -> str:
    return f"/api/workspaces/{workspace.slug}/usage/"


def test_lists_records_with_totals_for_a_session_member(workspace, owner, usage):
    client = APIClient()
    client.force_login(owner)
    body = client.get(url(workspace)).json()
    assert body["count"] == 3
    assert body["totals"] == {
        "requests": 3, "input_tokens": 120, "output_tokens": 55, "cached_tokens": 0,
        "total_tokens": 175, "cost_usd": "1.75000000",
    }  # fmt: skip
    assert {r["model"] for r in body["results"]} == {"sim/a", "sim/b", "oa/gpt"}


@pytest.mark.parametrize(
    ("query", "models"),
    [
        ("provider=sim", {"sim/a", "sim/b"}),
        ("model=oa/gpt", {"oa/gpt"}),
        ("source=chat", {"oa/gpt"}),
        ("status=error", {"sim/b"}),
    ],
)
def test_filters_narrow_records_and_totals(workspace, owner, usage, query, models):
    client = APIClient()
    client.force_login(owner)
    body = client.get(f"{url(workspace)}?{query}").json()
    assert {r["model"] for r in body["results"]} == models
    assert body["totals"]["requests"] == len(models)


def test_date_range_filters(workspace, owner, usage):
    client = APIClient()
    client.force_login(owner)
    today = timezone.now().date()
    recent = client.get(f"{url(workspace)}?from={today.isoformat()}").json()
    assert recent["count"] == 2
    old = client.get(f"{url(workspace)}?to={(today - timedelta(days=2)).isoformat()}").json()
    assert [r["model"] for r in old["results"]] == ["oa/gpt"]


def test_api_key_filter_and_read_scoped_key(workspace, owner):
    client, key = key_client(owner, workspace, [ApiKeyScope.READ])
    make_usage(workspace, api_key_id=key.pk, model="sim/keyed")
    make_usage(workspace, model="sim/unkeyed")
    body = client.get(f"{url(workspace)}?api_key={key.pk}").json()
    assert [r["model"] for r in body["results"]] == ["sim/keyed"]


def test_bad_filters_are_400_naming_the_field(workspace, owner):
    client = APIClient()
    client.force_login(owner)
    for query, param in (
        ("from=yesterday", "from"),
        ("status=meh", "status"),
        ("api_key=x", "api_key"),
    ):
        response = client.get(f"{url(workspace)}?{query}")
        assert response.status_code == 400
        assert response.json()["error"]["param"] == param


def test_inference_only_key_may_not_read_usage(workspace, owner):
    client, _ = key_client(owner, workspace, [ApiKeyScope.INFERENCE])
    assert client.get(url(workspace)).status_code == 403


def test_other_workspace_is_404_for_keys_and_sessions(workspace, other_workspace, owner, usage):
    client, _ = key_client(owner, workspace, [ApiKeyScope.READ])
    assert client.get(url(other_workspace)).status_code == 404
    session = APIClient()
    session.force_login(owner)
    assert session.get(url(other_workspace)).status_code == 404
    assert session.get(f"/api/workspaces/{other_workspace.slug}/usage.csv").status_code == 404


@pytest.mark.django_db(transaction=True)
async def test_csv_export_both_ways(workspace, owner, usage):
    """Streamed as the ASGI server serves it: asynchronously, a chunk of rows at a time."""
    client = AsyncClient()
    await client.aforce_login(owner)
    for path in (
        f"{url(workspace)}?format=csv&provider=sim",
        f"/api/workspaces/{workspace.slug}/usage.csv?provider=sim",
    ):
        response = await client.get(path)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        body = b"".join([chunk async for chunk in response.streaming_content])
        rows = list(csv.DictReader(io.StringIO(body.decode())))
        assert sorted(r["model"] for r in rows) == ["sim/a", "sim/b"]
        assert {r["cost_usd"] for r in rows} == {"0.50000000", "0.25000000"}
