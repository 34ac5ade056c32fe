from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from podium.competitions.financing_models import DatePrecision, FundingKind, OutcomeFieldKind, RoundSource, Verification
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('competitions', '0009_project_imports'), ('platform', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='FxRate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('summit', fields.ForeignKeyField('platform.Summit', source_field='summit_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('currency', fields.CharField(max_length=3)),
                ('on_date', fields.DateField()),
                ('rate', fields.DecimalField(max_digits=24, decimal_places=10)),
                ('source', fields.CharField(default='', max_length=200)),
                ('created_by', fields.ForeignKeyField('platform.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'competitions_fx_rate', 'app': 'competitions', 'unique_together': (('summit_id', 'currency', 'on_date'),), 'pk_attr': 'id', 'table_description': 'Units of a currency per 1 US dollar on a day, kept per summit by its organizers. USD itself is always 1.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Outcome',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('project', fields.OneToOneField('competitions.Project', source_field='project_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('incorporated_locally', fields.BooleanField(null=True)),
                ('incorporated_locally_on', fields.DateField(null=True)),
                ('district', fields.CharField(default='', max_length=100)),
                ('headcount', fields.IntField(null=True)),
                ('headcount_as_of', fields.DateField(null=True)),
                ('updated_by', fields.ForeignKeyField('platform.User', source_field='updated_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'competitions_outcome', 'app': 'competitions', 'pk_attr': 'id', 'table_description': 'Landing and growth of a project after the competition: incorporation in the host city, headcount.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OutcomeField',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('competition', fields.ForeignKeyField('competitions.Competition', source_field='competition_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('key', fields.CharField(max_length=40)),
                ('label_en', fields.CharField(default='', max_length=200)),
                ('label_zh', fields.CharField(default='', max_length=200)),
                ('kind', fields.CharEnumField(description='NUMBER: number\nTEXT: text\nYES_NO: yes_no', enum_type=OutcomeFieldKind, max_length=8)),
                ('position', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'competitions_outcome_field', 'app': 'competitions', 'unique_together': (('competition_id', 'key'),), 'pk_attr': 'id', 'table_description': 'An outcome an organizer tracks beyond the standard ones, such as patents granted or revenue band.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OutcomeSurvey',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('project', fields.ForeignKeyField('competitions.Project', source_field='project_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('competition', fields.ForeignKeyField('competitions.Competition', source_field='competition_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('due_month', fields.IntField()),
                ('due_on', fields.DateField()),
                ('recipient', fields.ForeignKeyField('platform.User', source_field='recipient_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('token_nonce', fields.CharField(max_length=32)),
                ('open_project_id', fields.IntField(null=True, unique=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reminded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('answered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'competitions_outcome_survey', 'app': 'competitions', 'unique_together': (('project_id', 'due_month'),), 'indexes': [Index(fields=['competition_id', 'due_month'])], 'pk_attr': 'id', 'table_description': 'One follow-up survey of a project, due a number of months after the final.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FundingRound',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('project', fields.ForeignKeyField('competitions.Project', source_field='project_id', db_constraint=True, to_field='id', related_name='funding_rounds', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='PRE_SEED: pre_seed\nSEED: seed\nANGEL: angel\nSERIES_A: a\nSERIES_B: b\nSERIES_C_PLUS: c_plus\nSTRATEGIC: strategic\nGRANT: grant\nIPO: ipo\nOTHER: other', enum_type=FundingKind, max_length=16)),
                ('amount', fields.BigIntField()),
                ('currency', fields.CharField(max_length=3)),
                ('announced_on', fields.DateField()),
                ('precision', fields.CharEnumField(default=DatePrecision.DAY, description='DAY: day\nMONTH: month\nYEAR: year', enum_type=DatePrecision, max_length=8)),
                ('investors', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('source_url', fields.CharField(default='', max_length=500)),
                ('confidential', fields.BooleanField(default=False)),
                ('evidence_key', fields.CharField(default='', max_length=80)),
                ('evidence_name', fields.CharField(default='', max_length=200)),
                ('evidence_type', fields.CharField(default='', max_length=40)),
                ('source', fields.CharEnumField(description='ENTRANT: entrant\nORGANIZER: organizer', enum_type=RoundSource, max_length=16)),
                ('reported_by', fields.ForeignKeyField('platform.User', source_field='reported_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('status', fields.CharEnumField(default=Verification.REPORTED, description='REPORTED: reported\nVERIFIED: verified\nREJECTED: rejected', enum_type=Verification, max_length=16)),
                ('note', fields.TextField(default='', unique=False)),
                ('decided_by', fields.ForeignKeyField('platform.User', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('survey', fields.ForeignKeyField('competitions.OutcomeSurvey', source_field='survey_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('fx_date', fields.DateField(null=True)),
                ('reporting_currency', fields.CharField(default='', max_length=3)),
                ('amount_reporting', fields.BigIntField(null=True)),
                ('amount_usd', fields.BigIntField(null=True)),
                ('usd_rate', fields.DecimalField(null=True, max_digits=24, decimal_places=10)),
                ('usd_rate_source', fields.ForeignKeyField('competitions.FxRate', source_field='usd_rate_source_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('reporting_rate', fields.DecimalField(null=True, max_digits=24, decimal_places=10)),
                ('reporting_rate_source', fields.ForeignKeyField('competitions.FxRate', source_field='reporting_rate_source_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('normalised_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'competitions_funding_round', 'app': 'competitions', 'indexes': [Index(fields=['project_id', 'announced_on']), Index(fields=['status', 'announced_on'])], 'pk_attr': 'id', 'table_description': 'A funding round of a project. amount is in the minor units of currency (fen, cents, yen).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OutcomeValue',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('project', fields.ForeignKeyField('competitions.Project', source_field='project_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('field', fields.ForeignKeyField('competitions.OutcomeField', source_field='field_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('value', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'competitions_outcome_value', 'app': 'competitions', 'unique_together': (('project_id', 'field_id'),), 'pk_attr': 'id', 'table_description': 'A project\'s value for a custom outcome field, stored as {"v": text, number as text, or bool}.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SurveySchedule',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('competition', fields.OneToOneField('competitions.Competition', source_field='competition_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('months', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('final_on', fields.DateField(null=True)),
                ('reminder_days', fields.IntField(default=14)),
                ('enabled', fields.BooleanField(default=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'competitions_survey_schedule', 'app': 'competitions', 'pk_attr': 'id', 'table_description': "When a competition's projects get outcome surveys: months after the final (months: [6, 12, 24, 36])."},
            bases=['Model'],
        ),
    ]
