"""The health checks run every 5 minutes through django-celery-beat, editable in the admin."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from analytics.health.models import HealthCheck
from analytics.tasks import run_health_checks_task
from hub.celery import app
from hub.schedules import periodic_tasks_ensure

pytestmark = pytest.mark.django_db


def test_the_health_task_is_scheduled_every_5_minutes_and_admin_changes_stay():
    periodic_tasks_ensure()
    task = PeriodicTask.objects.get(task="analytics.run_health_checks")
    assert task.enabled and task.interval.every == 5
    assert task.interval.period == IntervalSchedule.MINUTES
    task.interval = IntervalSchedule.objects.create(every=15, period=IntervalSchedule.MINUTES)
    task.save()
    periodic_tasks_ensure()
    assert PeriodicTask.objects.get(task="analytics.run_health_checks").interval.every == 15


def test_the_worker_knows_the_task_by_its_scheduled_name():
    app.loader.import_default_modules()
    assert "analytics.run_health_checks" in app.tasks
    assert "alerts.deliver" in app.tasks


def test_the_task_checks_and_prunes(workspace, sim_provider):
    HealthCheck.objects.create(
        workspace=workspace, provider=sim_provider, ok=False, source="active",
        checked_at=timezone.now() - timedelta(days=40),
    )  # fmt: skip
    outcome = run_health_checks_task.delay().get()
    assert outcome == {f"{workspace.pk}:sim": "healthy"}
    assert list(HealthCheck.objects.values_list("ok", flat=True)) == [True]
