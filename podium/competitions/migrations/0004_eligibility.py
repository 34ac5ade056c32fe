from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from podium.competitions.models import Eligibility, RuleKind
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('competitions', '0003_pitch_decks'), ('platform', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='EligibilityRule',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('competition', fields.ForeignKeyField('competitions.Competition', source_field='competition_id', db_constraint=True, to_field='id', related_name='rules', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='MAX_TEAM_SIZE: max_team_size\nOVERSEAS_EXPERIENCE: overseas_experience\nFOUNDER_EQUITY: founder_equity\nFOUNDED_AFTER: founded_after\nONE_PROJECT_PER_PERSON: one_project_per_person\nDECK_PRESENT: deck_present', enum_type=RuleKind, max_length=32)),
                ('params', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'competitions_eligibility_rule', 'app': 'competitions', 'pk_attr': 'id', 'table_description': 'A rule a competition applies to every submitted project, with its parameters.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='EligibilityCheck',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('project', fields.ForeignKeyField('competitions.Project', source_field='project_id', db_constraint=True, to_field='id', related_name='checks', on_delete=OnDelete.CASCADE)),
                ('rule', fields.ForeignKeyField('competitions.EligibilityRule', source_field='rule_id', db_constraint=True, to_field='id', related_name='checks', on_delete=OnDelete.CASCADE)),
                ('passed', fields.BooleanField()),
                ('facts', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('checked_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('override', fields.BooleanField(null=True)),
                ('override_note', fields.TextField(default='', unique=False)),
                ('overridden_by', fields.ForeignKeyField('platform.User', source_field='overridden_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('overridden_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'competitions_eligibility_check', 'app': 'competitions', 'unique_together': (('project_id', 'rule_id'),), 'pk_attr': 'id', 'table_description': "One rule's verdict on one project, with the facts behind it and an organizer's override if any."},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Project',
            name='eligibility',
            field=fields.CharEnumField(default=Eligibility.PENDING, description='PENDING: pending\nELIGIBLE: eligible\nINELIGIBLE: ineligible', enum_type=Eligibility, max_length=16),
        ),
        ops.AddField(
            model_name='Project',
            name='incorporated_on',
            field=fields.DateField(null=True),
        ),
    ]
