"""Tables named after their app now: ``hub_<model>`` becomes ``<app>_<model>``, rows and
foreign keys kept (many-to-many tables are renamed with their model)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('workbench', '0001_initial'),
    ]

    operations = [
        migrations.AlterModelTable(
            name='conversation',
            table=None,
        ),
        migrations.AlterModelTable(
            name='importedconversation',
            table=None,
        ),
        migrations.AlterModelTable(
            name='message',
            table=None,
        ),
        migrations.AlterModelTable(
            name='playgroundrun',
            table=None,
        ),
        migrations.AlterModelTable(
            name='playgroundslot',
            table=None,
        ),
        migrations.AlterModelTable(
            name='vote',
            table=None,
        ),
    ]
