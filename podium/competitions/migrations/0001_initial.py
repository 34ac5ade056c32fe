from tortoise import migrations
from tortoise.migrations import operations as ops
from podium.competitions.models import DivisionKind, RoundStatus
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('platform', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='Competition',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('summit', fields.ForeignKeyField('platform.Summit', source_field='summit_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('slug', fields.CharField(max_length=80)),
                ('name_en', fields.CharField(default='', max_length=200)),
                ('name_zh', fields.CharField(default='', max_length=200)),
                ('description_en', fields.TextField(default='', unique=False)),
                ('description_zh', fields.TextField(default='', unique=False)),
                ('rules_en', fields.TextField(default='', unique=False)),
                ('rules_zh', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'competitions_competition', 'app': 'competitions', 'unique_together': (('summit_id', 'slug'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Division',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('competition', fields.ForeignKeyField('competitions.Competition', source_field='competition_id', db_constraint=True, to_field='id', related_name='divisions', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(default=DivisionKind.REGION, description='REGION: region\nGROUP: group', enum_type=DivisionKind, max_length=16)),
                ('name_en', fields.CharField(default='', max_length=200)),
                ('name_zh', fields.CharField(default='', max_length=200)),
                ('position', fields.IntField(default=0)),
            ],
            options={'table': 'competitions_division', 'app': 'competitions', 'pk_attr': 'id', 'table_description': 'A region or channel (overseas, Europe) or a group (pre-company maker, company growth).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Round',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('competition', fields.ForeignKeyField('competitions.Competition', source_field='competition_id', db_constraint=True, to_field='id', related_name='rounds', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField()),
                ('name_en', fields.CharField(default='', max_length=200)),
                ('name_zh', fields.CharField(default='', max_length=200)),
                ('submissions_open_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('submissions_close_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('judging_open_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('judging_close_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('status', fields.CharEnumField(default=RoundStatus.DRAFT, description='DRAFT: draft\nOPEN: open\nJUDGING: judging\nCLOSED: closed\nPUBLISHED: published', enum_type=RoundStatus, max_length=16)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'competitions_round', 'app': 'competitions', 'unique_together': (('competition_id', 'position'),), 'pk_attr': 'id', 'table_description': "One stage of the competition. Windows are stored in UTC and entered in the summit's time zone."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Track',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('competition', fields.ForeignKeyField('competitions.Competition', source_field='competition_id', db_constraint=True, to_field='id', related_name='tracks', on_delete=OnDelete.CASCADE)),
                ('name_en', fields.CharField(default='', max_length=200)),
                ('name_zh', fields.CharField(default='', max_length=200)),
                ('position', fields.IntField(default=0)),
            ],
            options={'table': 'competitions_track', 'app': 'competitions', 'pk_attr': 'id', 'table_description': 'An industry track, such as AI or medicine and health.'},
            bases=['Model'],
        ),
    ]
