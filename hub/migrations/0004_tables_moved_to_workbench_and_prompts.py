"""The workbench and prompt tables now belong to the ``workbench`` and ``prompts`` apps,
whose first migrations adopted them. State only: no table is dropped here. Their content
types move too, so admin permissions and log entries stay attached to them."""

from django.db import migrations

MOVED = {
    "workbench": (
        "conversation", "message", "playgroundrun", "playgroundslot", "vote",
        "importedconversation",
    ),
    "prompts": ("prompttemplate", "promptversion"),
}


def content_types_relabel(apps, schema_editor, *, forwards=True):
    content_types = apps.get_model("contenttypes", "ContentType").objects.using(
        schema_editor.connection.alias
    )
    for label, models in MOVED.items():
        old, new = ("hub", label) if forwards else (label, "hub")
        for model in models:
            if not content_types.filter(app_label=new, model=model).exists():
                content_types.filter(app_label=old, model=model).update(app_label=new)


def content_types_relabel_back(apps, schema_editor):
    content_types_relabel(apps, schema_editor, forwards=False)


class Migration(migrations.Migration):

    dependencies = [
        ('hub', '0003_workbench_heartbeat'),
        ('workbench', '0001_initial'),
        ('prompts', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='importedconversation',
                    name='conversation',
                ),
                migrations.RemoveField(
                    model_name='message',
                    name='conversation',
                ),
                migrations.RemoveField(
                    model_name='importedconversation',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='importedconversation',
                    name='workspace',
                ),
                migrations.RemoveField(
                    model_name='message',
                    name='parent',
                ),
                migrations.RemoveField(
                    model_name='playgroundrun',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='playgroundrun',
                    name='workspace',
                ),
                migrations.RemoveField(
                    model_name='vote',
                    name='run',
                ),
                migrations.RemoveField(
                    model_name='playgroundslot',
                    name='run',
                ),
                migrations.RemoveField(
                    model_name='vote',
                    name='winners',
                ),
                migrations.RemoveField(
                    model_name='prompttemplate',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='prompttemplate',
                    name='workspace',
                ),
                migrations.RemoveField(
                    model_name='promptversion',
                    name='template',
                ),
                migrations.RemoveField(
                    model_name='promptversion',
                    name='created_by',
                ),
                migrations.DeleteModel(
                    name='Conversation',
                ),
                migrations.DeleteModel(
                    name='ImportedConversation',
                ),
                migrations.DeleteModel(
                    name='Message',
                ),
                migrations.DeleteModel(
                    name='PlaygroundRun',
                ),
                migrations.DeleteModel(
                    name='PlaygroundSlot',
                ),
                migrations.DeleteModel(
                    name='Vote',
                ),
                migrations.DeleteModel(
                    name='PromptTemplate',
                ),
                migrations.DeleteModel(
                    name='PromptVersion',
                ),
            ],
        ),
        migrations.RunPython(content_types_relabel, content_types_relabel_back),
    ]
