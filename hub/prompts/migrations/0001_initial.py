"""Adopt the prompt library's tables, made by the ``hub`` app's migrations 0001-0003 before
prompts was an app of its own. State only: the tables stay as they are here, still
named ``hub_*``; the next migration renames them, so existing rows are kept."""


import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('hub', '0003_workbench_heartbeat'),
        ('workspaces', '0002_apikey_requests_per_minute_apikey_tokens_per_minute_and_more'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='PromptTemplate',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200)),
                        ('category', models.CharField(blank=True, max_length=80)),
                        ('description', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('workspace', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='prompt_templates', to='workspaces.workspace')),
                    ],
                    options={
                        'db_table': 'hub_prompttemplate',
                        'ordering': ['name', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='PromptVersion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.PositiveIntegerField()),
                        ('system_prompt', models.TextField(blank=True)),
                        ('body', models.TextField()),
                        ('variables', models.JSONField(blank=True, default=list)),
                        ('label', models.CharField(blank=True, choices=[('production', 'Production')], max_length=20)),
                        ('note', models.CharField(blank=True, max_length=300)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('template', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='versions', to='prompts.prompttemplate')),
                    ],
                    options={
                        'db_table': 'hub_promptversion',
                        'ordering': ['template', '-number'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='prompttemplate',
                    constraint=models.UniqueConstraint(fields=('workspace', 'name'), name='unique_prompt_name'),
                ),
                migrations.AddConstraint(
                    model_name='promptversion',
                    constraint=models.UniqueConstraint(fields=('template', 'number'), name='unique_prompt_version'),
                ),
                migrations.AddConstraint(
                    model_name='promptversion',
                    constraint=models.UniqueConstraint(condition=models.Q(('label', ''), _negated=True), fields=('template', 'label'), name='one_version_per_prompt_label'),
                ),
            ],
        ),
    ]
