"""alert_raise: notify on a change of state only, honour the cool-down, work for any key."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from analytics.alerts.models import AlertSettings, Notification
from analytics.alerts.selectors import alert_state_get
from analytics.alerts.services import alert_raise, alert_state_record

pytestmark = pytest.mark.django_db


def raise_budget(workspace, state: str) -> bool:
    return alert_raise(
        workspace=workspace, key="budget:7", state=state,
        title=f"Budget at {state} %", text="Monthly budget “Team” reached its threshold.",
    )  # fmt: skip


def test_each_new_state_notifies_once_and_a_repeat_does_not(workspace):
    assert raise_budget(workspace, "50")
    assert not raise_budget(workspace, "50")
    assert raise_budget(workspace, "80")
    assert raise_budget(workspace, "100")
    assert not raise_budget(workspace, "100")
    rows = Notification.objects.filter(workspace=workspace).order_by("id")
    assert [(n.kind, n.key, n.state, n.level) for n in rows] == [
        ("budget", "budget:7", s, "warning") for s in ("50", "80", "100")
    ]
    assert alert_state_get(workspace=workspace, key="budget:7") == "100"


def test_keys_are_per_workspace(workspace, other_workspace):
    assert raise_budget(workspace, "50")
    assert raise_budget(other_workspace, "50")
    assert Notification.objects.filter(workspace=other_workspace).count() == 1


def test_the_same_state_again_within_the_cooldown_is_held_back_and_not_recorded(workspace):
    AlertSettings.objects.create(workspace=workspace, cooldown_minutes=30)
    assert raise_budget(workspace, "80")
    alert_state_record(workspace=workspace, key="budget:7", state="0")  # a new period starts
    assert not raise_budget(workspace, "80")  # 80 was sent minutes ago
    assert alert_state_get(workspace=workspace, key="budget:7") == "0"
    Notification.objects.update(
        created_at=Notification.objects.get().created_at - timedelta(minutes=31)
    )
    assert raise_budget(workspace, "80")


def test_no_cooldown_sends_every_change(workspace):
    AlertSettings.objects.create(workspace=workspace, cooldown_minutes=0)
    for state in ("down", "healthy", "down", "healthy"):
        assert alert_raise(
            workspace=workspace, key="provider:1:status", state=state, title=state, text=""
        )
    assert Notification.objects.count() == 4


def test_a_quiet_record_changes_the_state_without_notifying(workspace):
    assert alert_state_record(workspace=workspace, key="provider:1:status", state="healthy")
    assert not alert_state_record(workspace=workspace, key="provider:1:status", state="healthy")
    assert not Notification.objects.exists()
    assert not alert_raise(
        workspace=workspace, key="provider:1:status", state="healthy", title="x", text=""
    )


def test_delivery_waits_for_commit_and_mails_owners(workspace, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        raise_budget(workspace, "50")
    assert len(callbacks) == 1 and mail.outbox == []
    callbacks[0]()
    assert len(mail.outbox) == 1 and "Budget at 50 %" in mail.outbox[0].subject


def test_an_unknown_level_is_refused(workspace):
    with pytest.raises(ValueError, match="level"):
        alert_raise(workspace=workspace, key="k", state="s", title="t", text="", level="panic")
