"""Usage rows for analytics tests."""

from __future__ import annotations

import itertools
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from analytics.models import UsageRecord
from workspaces.models import Workspace

_ids = itertools.count(1)


def usage_row(workspace: Workspace, **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "workspace_id": workspace.pk,
        "source": "api",
        "provider_slug": "sim",
        "model": "sim/echo",
        "upstream_model": "echo",
        "input_tokens": 10,
        "output_tokens": 5,
        "cost_usd": Decimal("0.00002000"),
        "latency_ms": 12,
        "status": "success",
        "http_status": 200,
        "request_id": f"req_test_{next(_ids)}",
        "created_at": timezone.now(),
    }
    row.update(fields)
    return row


def make_usage(workspace: Workspace, *, at: datetime | None = None, **fields: Any) -> UsageRecord:
    row = usage_row(workspace, **fields)
    if at is not None:
        row["created_at"] = at
    return UsageRecord.objects.create(**row)
