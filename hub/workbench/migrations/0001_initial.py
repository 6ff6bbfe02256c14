"""Adopt the workbench's tables (chat, playground, imports), made by the ``hub`` app's migrations 0001-0003 before
workbench was an app of its own. State only: the tables stay as they are here, still
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
                    name='Conversation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(default='New chat', max_length=200)),
                        ('system_prompt', models.TextField(blank=True)),
                        ('model', models.CharField(blank=True, help_text='Model or alias last used.', max_length=300)),
                        ('params', models.JSONField(blank=True, default=dict)),
                        ('total_cost_usd', models.DecimalField(decimal_places=8, default=0, max_digits=16)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='conversations', to=settings.AUTH_USER_MODEL)),
                        ('workspace', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='conversations', to='workspaces.workspace')),
                    ],
                    options={
                        'db_table': 'hub_conversation',
                        'ordering': ['-updated_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='Message',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('user', 'User'), ('assistant', 'Assistant')], max_length=16)),
                        ('content', models.TextField(blank=True)),
                        ('model', models.CharField(blank=True, help_text='As requested.', max_length=300)),
                        ('provider_slug', models.CharField(blank=True, max_length=64)),
                        ('upstream_model', models.CharField(blank=True, max_length=200)),
                        ('input_tokens', models.PositiveIntegerField(default=0)),
                        ('output_tokens', models.PositiveIntegerField(default=0)),
                        ('cost_usd', models.DecimalField(decimal_places=8, default=0, max_digits=16)),
                        ('latency_ms', models.PositiveIntegerField(blank=True, null=True)),
                        ('ttft_ms', models.PositiveIntegerField(blank=True, null=True)),
                        ('route_reason', models.CharField(blank=True, max_length=300)),
                        ('request_id', models.CharField(blank=True, max_length=64)),
                        ('status', models.CharField(choices=[('complete', 'Complete'), ('streaming', 'Streaming'), ('error', 'Error'), ('cancelled', 'Cancelled')], default='complete', max_length=16)),
                        ('error', models.TextField(blank=True)),
                        ('heartbeat_at', models.DateTimeField(blank=True, help_text='Last sign of life of the generation writing it.', null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('conversation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='messages', to='workbench.conversation')),
                        ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='children', to='workbench.message')),
                    ],
                    options={
                        'db_table': 'hub_message',
                        'ordering': ['id'],
                    },
                ),
                migrations.AddField(
                    model_name='conversation',
                    name='active_leaf',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='workbench.message'),
                ),
                migrations.CreateModel(
                    name='PlaygroundRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('prompt', models.TextField()),
                        ('system_prompt', models.TextField(blank=True)),
                        ('history', models.JSONField(blank=True, default=list)),
                        ('blind', models.BooleanField(default=False, help_text='Model names hidden until a vote.')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='playground_runs', to=settings.AUTH_USER_MODEL)),
                        ('workspace', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='playground_runs', to='workspaces.workspace')),
                    ],
                    options={
                        'db_table': 'hub_playgroundrun',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='PlaygroundSlot',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('position', models.PositiveSmallIntegerField()),
                        ('model', models.CharField(max_length=300)),
                        ('params', models.JSONField(blank=True, default=dict)),
                        ('output', models.TextField(blank=True)),
                        ('metrics', models.JSONField(blank=True, default=dict)),
                        ('status', models.CharField(choices=[('complete', 'Complete'), ('streaming', 'Streaming'), ('error', 'Error'), ('cancelled', 'Cancelled')], default='streaming', max_length=16)),
                        ('error', models.TextField(blank=True)),
                        ('heartbeat_at', models.DateTimeField(blank=True, help_text='Last sign of life of the generation writing it.', null=True)),
                        ('run', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='slots', to='workbench.playgroundrun')),
                    ],
                    options={
                        'db_table': 'hub_playgroundslot',
                        'ordering': ['position'],
                    },
                ),
                migrations.CreateModel(
                    name='Vote',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('best', 'Best of several'), ('ab', 'A/B winner'), ('tie', 'Tie'), ('both_bad', 'All bad')], max_length=16)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('run', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='vote', to='workbench.playgroundrun')),
                        ('winners', models.ManyToManyField(blank=True, related_name='wins', to='workbench.playgroundslot')),
                    ],
                    options={
                        'db_table': 'hub_vote',
                    },
                ),
                migrations.CreateModel(
                    name='ImportedConversation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('source', models.CharField(choices=[('chatgpt', 'ChatGPT'), ('claude', 'Claude'), ('hub', 'Provider Hub')], max_length=16)),
                        ('external_id', models.CharField(max_length=200)),
                        ('imported_at', models.DateTimeField(auto_now_add=True)),
                        ('conversation', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='import_origin', to='workbench.conversation')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('workspace', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='workspaces.workspace')),
                    ],
                    options={
                        'db_table': 'hub_importedconversation',
                        'constraints': [models.UniqueConstraint(fields=('workspace', 'user', 'source', 'external_id'), name='unique_imported_conversation')],
                    },
                ),
                migrations.AddIndex(
                    model_name='message',
                    index=models.Index(condition=models.Q(('status', 'streaming')), fields=['status'], name='message_streaming'),
                ),
                migrations.AddIndex(
                    model_name='conversation',
                    index=models.Index(fields=['workspace', 'user', '-updated_at'], name='conversation_list'),
                ),
                migrations.AddIndex(
                    model_name='playgroundslot',
                    index=models.Index(condition=models.Q(('status', 'streaming')), fields=['status'], name='slot_streaming'),
                ),
                migrations.AddConstraint(
                    model_name='playgroundslot',
                    constraint=models.UniqueConstraint(fields=('run', 'position'), name='unique_slot_position'),
                ),
            ],
        ),
    ]
