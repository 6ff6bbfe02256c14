"""The health checks table is named after its app (``analytics_healthcheck``), rows kept; its
content type moves with it, and the beat schedule runs the check under its new task name."""

from django.db import migrations

MOVED_TASK = ("providers.run_health_checks", "analytics.run_health_checks")


def relabel(apps, schema_editor, *, forwards=True):
    alias = schema_editor.connection.alias
    old_label, new_label = ("providers", "analytics") if forwards else ("analytics", "providers")
    content_types = apps.get_model("contenttypes", "ContentType").objects.using(alias)
    if not content_types.filter(app_label=new_label, model="healthcheck").exists():
        content_types.filter(app_label=old_label, model="healthcheck").update(app_label=new_label)
    old_task, new_task = MOVED_TASK if forwards else MOVED_TASK[::-1]
    tasks = apps.get_model("django_celery_beat", "PeriodicTask").objects.using(alias)
    tasks.filter(task=old_task).update(task=new_task)


def relabel_back(apps, schema_editor):
    relabel(apps, schema_editor, forwards=False)


class Migration(migrations.Migration):

    dependencies = [
        ('analytics', '0005_health_checks_adopted'),
        ('providers', '0005_health_checks_moved_to_analytics'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('django_celery_beat', '0001_initial'),
    ]

    operations = [
        migrations.AlterModelTable(
            name='healthcheck',
            table=None,
        ),
        migrations.RunPython(relabel, relabel_back),
    ]
