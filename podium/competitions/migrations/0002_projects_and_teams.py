from tortoise import migrations
from tortoise.migrations import operations as ops
from podium.competitions.models import OverseasExperience, ProjectStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('competitions', '0001_initial'), ('platform', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Project',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('competition', fields.ForeignKeyField('competitions.Competition', source_field='competition_id', db_constraint=True, to_field='id', related_name='projects', on_delete=OnDelete.CASCADE)),
                ('track', fields.ForeignKeyField('competitions.Track', source_field='track_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('division', fields.ForeignKeyField('competitions.Division', source_field='division_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('lead', fields.ForeignKeyField('platform.User', source_field='lead_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(default='', max_length=200)),
                ('summary', fields.TextField(default='', unique=False)),
                ('website', fields.CharField(default='', max_length=500)),
                ('video_url', fields.CharField(default='', max_length=500)),
                ('country', fields.CharField(default='', max_length=2)),
                ('referral', fields.CharField(default='', max_length=200)),
                ('status', fields.CharEnumField(default=ProjectStatus.DRAFT, description='DRAFT: draft\nSUBMITTED: submitted\nWITHDRAWN: withdrawn', enum_type=ProjectStatus, max_length=16)),
                ('submitted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'competitions_project', 'app': 'competitions', 'indexes': [Index(fields=['competition_id', 'status'])], 'pk_attr': 'id', 'table_description': "An application to a competition, edited by its team until the first round's deadline."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TeamMember',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('project', fields.ForeignKeyField('competitions.Project', source_field='project_id', db_constraint=True, to_field='id', related_name='members', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('platform.User', source_field='user_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('email', fields.CharField(max_length=254)),
                ('name', fields.CharField(default='', max_length=200)),
                ('role', fields.CharField(default='', max_length=100)),
                ('is_lead', fields.BooleanField(default=False)),
                ('equity', fields.DecimalField(default=0, max_digits=5, decimal_places=2)),
                ('overseas', fields.CharEnumField(default=OverseasExperience.NONE, description='NONE: none\nSTUDY: study\nWORK: work\nBOTH: both', enum_type=OverseasExperience, max_length=8)),
                ('overseas_years', fields.DecimalField(default=0, max_digits=4, decimal_places=1)),
                ('returned_on', fields.DateField(null=True)),
                ('invitation_hash', fields.CharField(null=True, unique=True, max_length=64)),
                ('invited_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('joined_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'competitions_team_member', 'app': 'competitions', 'unique_together': (('project_id', 'email'),), 'indexes': [Index(fields=['user_id', 'project_id'])], 'pk_attr': 'id', 'table_description': "A founder on a project's team. user is set once the invitation is accepted (the lead at once)."},
            bases=['Model'],
        ),
    ]
