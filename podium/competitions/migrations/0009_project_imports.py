from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from podium.competitions.models import ImportStatus
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('competitions', '0008_project_list_indexes'), ('platform', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ProjectImport',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('competition', fields.ForeignKeyField('competitions.Competition', source_field='competition_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('created_by', fields.ForeignKeyField('platform.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('file_name', fields.CharField(max_length=200)),
                ('file_key', fields.CharField(max_length=80)),
                ('status', fields.CharEnumField(default=ImportStatus.CHECKING, description='CHECKING: checking\nREADY: ready\nINVALID: invalid\nIMPORTING: importing\nDONE: done\nFAILED: failed', enum_type=ImportStatus, max_length=16)),
                ('total_rows', fields.IntField(default=0)),
                ('error_count', fields.IntField(default=0)),
                ('created_count', fields.IntField(default=0)),
                ('errors', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('preview', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'competitions_project_import', 'app': 'competitions', 'pk_attr': 'id', 'table_description': 'A CSV or XLSX file of applications collected offline: checked first, then imported whole or not at all.'},
            bases=['Model'],
        ),
    ]
