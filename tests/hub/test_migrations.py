"""A database made before the workbench and the prompt library became apps of their own (and
before health checks moved to analytics) migrates forward with every row kept.

The test takes the test database back to that schema with the real migrations, writes rows
through the models as they were then, migrates forward and reads them through today's models.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from analytics.health.models import HealthCheck
from hub.prompts.models import PromptTemplate
from hub.workbench.models import Conversation, ImportedConversation, PlaygroundRun

BEFORE_THE_MOVE = [
    ("hub", "0003_workbench_heartbeat"),
    ("providers", "0004_local_model_file"),
    ("analytics", "0004_notification_level_critical"),
]
NOT_YET_APPS = [("workbench", None), ("prompts", None)]


def migrate(targets: list[tuple[str, str | None]]) -> None:
    MigrationExecutor(connection).migrate(targets)


def old_main_models():
    """The models as the old main defined them: every app at its latest migration, except the
    moved ones at theirs before the move."""
    loader = MigrationExecutor(connection).loader
    moved = {app for app, _ in BEFORE_THE_MOVE + NOT_YET_APPS}
    nodes = [n for n in loader.graph.leaf_nodes() if n[0] not in moved] + BEFORE_THE_MOVE
    return loader.project_state(nodes).apps


def rows_at_the_old_schema(old) -> dict[str, int]:
    """What an installation of the old main holds; returns the ids to look for afterwards."""
    user = old.get_model("auth", "User").objects.create(username="ada")
    workspace = old.get_model("workspaces", "Workspace").objects.create(name="Acme", slug="acme")
    conversation = old.get_model("hub", "Conversation").objects.create(
        workspace=workspace, user=user, title="Old chat", model="sim/echo"
    )
    Message = old.get_model("hub", "Message")
    question = Message.objects.create(conversation=conversation, role="user", content="Hi?")
    answer = Message.objects.create(
        conversation=conversation, parent=question, role="assistant", content="Hello!",
        cost_usd=Decimal("0.00012"), status="complete",
    )  # fmt: skip
    conversation.active_leaf = answer
    conversation.save()
    old.get_model("hub", "ImportedConversation").objects.create(
        conversation=conversation, workspace=workspace, user=user, source="chatgpt",
        external_id="c-1",
    )  # fmt: skip
    run = old.get_model("hub", "PlaygroundRun").objects.create(
        workspace=workspace, user=user, prompt="Compare", blind=True
    )
    Slot = old.get_model("hub", "PlaygroundSlot")
    first = Slot.objects.create(run=run, position=0, model="sim/a", output="A", status="complete")
    Slot.objects.create(run=run, position=1, model="sim/b", output="B", status="complete")
    vote = old.get_model("hub", "Vote").objects.create(run=run, kind="best")
    vote.winners.add(first)
    template = old.get_model("hub", "PromptTemplate").objects.create(
        workspace=workspace, name="Greeting"
    )
    old.get_model("hub", "PromptVersion").objects.create(
        template=template, number=1, body="Hello {{name}}", label="production"
    )
    provider = old.get_model("providers", "Provider").objects.create(
        workspace=workspace, kind="simulated", name="Sim", slug="sim"
    )
    old.get_model("providers", "HealthCheck").objects.create(
        workspace=workspace, provider=provider, ok=True, latency_ms=12.5, source="active",
        checked_at=timezone.now(),
    )  # fmt: skip
    ContentType = old.get_model("contenttypes", "ContentType")
    hub_conversation = ContentType.objects.get_or_create(app_label="hub", model="conversation")[0]
    old.get_model("auth", "Permission").objects.get_or_create(
        content_type=hub_conversation, codename="view_conversation",
        defaults={"name": "Can view conversation"},
    )  # fmt: skip
    interval = old.get_model("django_celery_beat", "IntervalSchedule").objects.create(
        every=5, period="minutes"
    )
    old.get_model("django_celery_beat", "PeriodicTask").objects.create(
        name="Old health schedule", task="providers.run_health_checks", interval=interval
    )
    return {
        "conversation": conversation.pk, "answer": answer.pk, "run": run.pk,
        "winner": first.pk, "content_type": hub_conversation.pk,
    }  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_rows_made_before_the_apps_split_are_read_back_through_the_new_apps():
    migrate(NOT_YET_APPS + BEFORE_THE_MOVE)
    ids = rows_at_the_old_schema(old_main_models())

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    tables = set(connection.introspection.table_names())
    assert {"workbench_conversation", "workbench_vote_winners", "prompts_promptversion"} <= tables
    assert "analytics_healthcheck" in tables and not {t for t in tables if t.startswith("hub_")}
    conversation = Conversation.objects.get(pk=ids["conversation"])
    assert conversation.title == "Old chat" and conversation.active_leaf_id == ids["answer"]
    assert [(m.role, m.content) for m in conversation.messages.all()] == [
        ("user", "Hi?"),
        ("assistant", "Hello!"),
    ]
    assert conversation.messages.get(pk=ids["answer"]).cost_usd == Decimal("0.00012")
    assert ImportedConversation.objects.get(conversation=conversation).external_id == "c-1"
    run = PlaygroundRun.objects.get(pk=ids["run"])
    assert [s.output for s in run.slots.all()] == ["A", "B"]
    assert [s.pk for s in run.vote.winners.all()] == [ids["winner"]]
    template = PromptTemplate.objects.get(name="Greeting")
    assert template.versions.get().is_production
    assert HealthCheck.objects.get().latency_ms == 12.5
    moved = ContentType.objects.get_for_model(Conversation)
    assert moved.pk == ids["content_type"] and moved.model_class() is Conversation
    assert Permission.objects.filter(content_type=moved, codename="view_conversation").exists()
    assert PeriodicTask.objects.get(name="Old health schedule").task == (
        "analytics.run_health_checks"
    )
    assert apps.get_model("workbench", "Message") is type(conversation.active_leaf)
