from django.db import migrations, models


def mark_rerank_models(apps, schema_editor):
    """Models synced before the flag existed: their name is what the model lists said."""
    ProviderModel = apps.get_model("providers", "ProviderModel")
    ProviderModel.objects.filter(name__icontains="rerank").update(is_rerank=True)


class Migration(migrations.Migration):
    dependencies = [
        ("providers", "0005_health_checks_moved_to_analytics"),
    ]

    operations = [
        migrations.AddField(
            model_name="providermodel",
            name="is_rerank",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(mark_rerank_models, migrations.RunPython.noop),
    ]
