from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('competitions', '0002_projects_and_teams'), ('platform', '0001_initial')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Project',
            name='deck_key',
            field=fields.CharField(default='', max_length=80),
        ),
        ops.AddField(
            model_name='Project',
            name='deck_name',
            field=fields.CharField(default='', max_length=200),
        ),
        ops.AddField(
            model_name='Project',
            name='deck_size',
            field=fields.IntField(default=0),
        ),
        ops.AddField(
            model_name='Project',
            name='deck_uploaded_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
