"""Tables named after their app now: ``hub_<model>`` becomes ``<app>_<model>``, rows and
foreign keys kept (many-to-many tables are renamed with their model)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('prompts', '0001_initial'),
    ]

    operations = [
        migrations.AlterModelTable(
            name='prompttemplate',
            table=None,
        ),
        migrations.AlterModelTable(
            name='promptversion',
            table=None,
        ),
    ]
