"""Request ids are unique, so a batch of usage rows written twice (a retry after a commit
whose answer was lost, a spool file adopted again) adds nothing the second time. Rows that
already share a request id keep the oldest one."""

from django.db import migrations, models
from django.db.models import Count, Min


def duplicates_drop(apps, schema_editor):
    records = apps.get_model("analytics", "UsageRecord").objects.using(
        schema_editor.connection.alias
    )
    repeated = (
        records.values("request_id").annotate(n=Count("id"), first=Min("id")).filter(n__gt=1)
    )
    for group in repeated:
        records.filter(request_id=group["request_id"]).exclude(pk=group["first"]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('analytics', '0006_health_checks_table_renamed'),
    ]

    operations = [
        migrations.RunPython(duplicates_drop, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='usagerecord',
            name='request_id',
            field=models.CharField(max_length=64, unique=True),
        ),
    ]
