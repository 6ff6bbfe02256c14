"""Usage page: filters and totals on known rows, the two charts, recent calls with their
route, pagination and the CSV link."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from asgiref.sync import async_to_sync
from django.http import StreamingHttpResponse
from django.test import AsyncClient, Client
from django.urls import reverse
from django.utils import timezone

from tests.analytics.factories import make_usage

pytestmark = pytest.mark.django_db


def url(workspace, **query: str) -> str:
    from urllib.parse import urlencode

    base = reverse("usage", args=[workspace.slug])
    return f"{base}?{urlencode(query)}" if query else base


def download(session: Client, path: str) -> bytes:
    """The CSV streams asynchronously, as the ASGI server serves it; fetch it with the
    page session's cookies."""

    async def fetch() -> bytes:
        client = AsyncClient()
        client.cookies = session.cookies
        response = await client.get(path)
        assert isinstance(response, StreamingHttpResponse) and response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        return b"".join([chunk async for chunk in response.streaming_content])

    return async_to_sync(fetch)()


def total(body: str, name: str) -> str:
    match = re.search(rf'data-total="{name}">(.*?)</(?:div|span)>', body, re.S)
    assert match, name
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


@pytest.fixture
def rows(workspace, other_workspace):
    """Four calls today (3 sim, 1 openai; one sim failed), one ten days ago, one elsewhere."""
    now = timezone.now()
    make_usage(
        workspace, provider_slug="sim", model="fast", upstream_model="echo", latency_ms=100,
        input_tokens=100, output_tokens=10, cost_usd=Decimal("0.10"), ttft_ms=40,
        route="rule=long-docs alias=fast strategy=cost",
        route_reason="cheapest candidate for the expected tokens", at=now,
    )  # fmt: skip
    make_usage(
        workspace, provider_slug="sim", model="fast", latency_ms=300, input_tokens=200,
        output_tokens=20, cost_usd=Decimal("0.20"), at=now - timedelta(minutes=1),
    )  # fmt: skip
    make_usage(
        workspace, provider_slug="sim", model="sim/echo", latency_ms=700, status="error",
        http_status=502, error_class="UpstreamError", input_tokens=0, output_tokens=0,
        cost_usd=Decimal(0), source="chat", at=now - timedelta(minutes=2),
    )  # fmt: skip
    make_usage(
        workspace, provider_slug="openai", model="openai/gpt-4o", latency_ms=500,
        input_tokens=1000, output_tokens=100, cost_usd=Decimal("1.50"),
        at=now - timedelta(minutes=3),
    )  # fmt: skip
    make_usage(workspace, provider_slug="sim", cost_usd=Decimal(7), at=now - timedelta(days=10))
    make_usage(other_workspace, provider_slug="sim", cost_usd=Decimal(99), model="theirs/secret")


@pytest.mark.parametrize("role", ["owner", "viewer"])
def test_usage_page_renders_totals_charts_and_calls(role, workspace, rows, member_of, signed_in):
    response = signed_in(member_of(role)).get(url(workspace))
    assert response.status_code == 200
    body = response.content.decode()
    # The default is the last seven days: the ten-day-old call and the other workspace's are out.
    assert total(body, "calls") == "4"
    assert total(body, "tokens") == "1,430"
    assert (total(body, "tokens-in"), total(body, "tokens-out")) == ("1,300", "130")
    assert total(body, "cost") == "$1.80"
    assert total(body, "error-rate") == "25 %"
    assert total(body, "p50") == "400 ms"  # between 300 and 500
    assert "/static/vendor/plotly/plotly-basic.min.js" in body
    assert body.count('class="plotly-graph-div chart" data-figure=') == 2
    assert "theirs/secret" not in body
    assert "sim/echo" in body and "rule=long-docs alias=fast strategy=cost" in body
    assert 'title="cheapest candidate for the expected tokens"' in body
    assert "UpstreamError" in body and "40 ms" in body


def test_filters_narrow_the_totals_and_the_table(owner_client, workspace, rows):
    body = owner_client.get(url(workspace, provider="sim")).content.decode()
    assert total(body, "calls") == "4"  # no dates given: all time, so the old call counts
    assert total(body, "cost") == "$7.30"
    body = owner_client.get(url(workspace, provider="sim", status="success", start="", end=""))
    assert total(body.content.decode(), "calls") == "3"
    body = owner_client.get(url(workspace, source="chat")).content.decode()
    assert total(body, "calls") == "1" and total(body, "error-rate") == "100 %"
    body = owner_client.get(url(workspace, model="openai/gpt-4o")).content.decode()
    assert total(body, "cost") == "$1.50" and total(body, "p50") == "500 ms"


def test_date_filters_are_inclusive_utc_days(owner_client, workspace, rows):
    old = (timezone.now() - timedelta(days=10)).date()
    body = owner_client.get(url(workspace, start=str(old), end=str(old))).content.decode()
    assert total(body, "calls") == "1" and total(body, "cost") == "$7.00"
    empty = owner_client.get(url(workspace, end=str(old - timedelta(days=1)))).content.decode()
    assert total(empty, "calls") == "0" and "No calls match" in empty
    assert "plotly-graph-div" not in empty


def test_a_bad_filter_is_shown_and_the_rest_still_apply(owner_client, workspace, rows):
    body = owner_client.get(url(workspace, start="soon", provider="openai")).content.decode()
    assert "Enter a valid date." in body
    assert total(body, "calls") == "1"


def test_the_csv_link_carries_the_filters_and_downloads_with_the_session(
    owner_client, workspace, rows
):
    body = owner_client.get(url(workspace, provider="sim", status="error", start="", end=""))
    link = re.search(r'href="([^"]*usage\.csv[^"]*)"', body.content.decode())
    assert link
    csv_url = link.group(1).replace("&amp;", "&")
    assert csv_url.startswith(f"/api/workspaces/{workspace.slug}/usage.csv?")
    lines = download(owner_client, csv_url).decode().strip().splitlines()
    assert len(lines) == 2 and "UpstreamError" in lines[1]


def test_the_default_csv_link_is_the_last_seven_days(owner_client, workspace):
    body = owner_client.get(url(workspace)).content.decode()
    today = timezone.now().date()
    start = today - timedelta(days=6)
    assert f"usage.csv?from={start}&amp;to={today}" in body


def test_calls_are_paginated_newest_first(owner_client, workspace):
    now = timezone.now()
    for index in range(55):
        make_usage(workspace, request_id=f"req_{index:02d}", at=now - timedelta(seconds=index))
    first = owner_client.get(url(workspace)).content.decode()
    assert first.count("data-request=") == 50 and 'data-request="req_00"' in first
    assert "Page 1 of 2" in first
    second = owner_client.get(url(workspace, page="2")).content.decode()
    assert second.count("data-request=") == 5 and 'data-request="req_54"' in second


def test_pagination_links_keep_the_filters(owner_client, workspace):
    for index in range(51):
        make_usage(workspace, provider_slug="sim", request_id=f"req_{index:02d}")
    body = owner_client.get(url(workspace, provider="sim", start="", end="")).content.decode()
    assert 'href="?provider=sim&amp;start=&amp;end=&amp;page=2"' in body
