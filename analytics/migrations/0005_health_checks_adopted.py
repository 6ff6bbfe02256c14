"""Adopt the health checks table, made by the ``providers`` app's migration 0003 when health
lived there. State only: the table keeps its name here; the next migration renames it."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('analytics', '0004_notification_level_critical'),
        ('providers', '0004_local_model_file'),
        ('workspaces', '0002_apikey_requests_per_minute_apikey_tokens_per_minute_and_more'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='HealthCheck',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('checked_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('ok', models.BooleanField()),
                        ('latency_ms', models.FloatField(blank=True, null=True)),
                        ('detail', models.CharField(blank=True, max_length=300)),
                        ('source', models.CharField(choices=[('active', 'Active check'), ('passive', 'Real traffic')], max_length=8)),
                        ('provider', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='health_checks', to='providers.provider')),
                        ('workspace', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='workspaces.workspace')),
                    ],
                    options={
                        'db_table': 'providers_healthcheck',
                        'ordering': ['-checked_at', '-id'],
                        'indexes': [models.Index(fields=['provider', 'source', '-checked_at'], name='health_provider_time'), models.Index(fields=['checked_at'], name='health_time')],
                    },
                ),
            ],
        ),
    ]
