"""Health checks belong to the ``analytics`` app now, beside the usage records and alerts they
are built from; its migration 0005 adopted the table. State only: no table is dropped here."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('providers', '0004_local_model_file'),
        ('analytics', '0005_health_checks_adopted'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='HealthCheck',
                ),
            ],
        ),
    ]
