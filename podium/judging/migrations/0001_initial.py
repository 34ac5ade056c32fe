from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from podium.judging.models import AssignmentStatus, ConflictSource, ConflictStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('competitions', '0009_project_imports'), ('platform', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='Assignment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('round', fields.ForeignKeyField('competitions.Round', source_field='round_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('project', fields.ForeignKeyField('competitions.Project', source_field='project_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('judge', fields.ForeignKeyField('platform.User', source_field='judge_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('status', fields.CharEnumField(default=AssignmentStatus.ASSIGNED, description='ASSIGNED: assigned\nSUBMITTED: submitted\nDECLINED: declined\nCONFLICTED: conflicted\nREMOVED: removed', enum_type=AssignmentStatus, max_length=16)),
                ('comment', fields.TextField(default='', unique=False)),
                ('version', fields.IntField(default=0)),
                ('due_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('submitted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'judging_assignment', 'app': 'judging', 'unique_together': (('round_id', 'project_id', 'judge_id'),), 'indexes': [Index(fields=['judge_id', 'round_id', 'status']), Index(fields=['round_id', 'status'])], 'pk_attr': 'id', 'table_description': "A judge's scorecard for one project in one round: the scores, the comment and whether it is submitted."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Conflict',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('judge', fields.ForeignKeyField('platform.User', source_field='judge_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('project', fields.ForeignKeyField('competitions.Project', source_field='project_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('source', fields.CharEnumField(description='DECLARED: declared\nDETECTED: detected\nORGANIZER: organizer', enum_type=ConflictSource, max_length=16)),
                ('status', fields.CharEnumField(description='PENDING: pending\nCONFIRMED: confirmed\nDISMISSED: dismissed', enum_type=ConflictStatus, max_length=16)),
                ('reason', fields.CharField(default='', max_length=500)),
                ('decided_by', fields.ForeignKeyField('platform.User', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'judging_conflict', 'app': 'judging', 'unique_together': (('judge_id', 'project_id'),), 'indexes': [Index(fields=['project_id', 'status'])], 'pk_attr': 'id', 'table_description': "A judge's conflict of interest with a project. Declared ones hold at once, detected ones wait for an"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='JudgeProfile',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('summit', fields.ForeignKeyField('platform.Summit', source_field='summit_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('platform.User', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('affiliation', fields.CharField(default='', max_length=200)),
                ('track_ids', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('tags', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('languages', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('portfolio', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('max_projects', fields.IntField(default=50)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'judging_judge_profile', 'app': 'judging', 'unique_together': (('summit_id', 'user_id'),), 'pk_attr': 'id', 'table_description': "A judge's expertise at one summit: tracks, free tags, languages, affiliation and portfolio companies."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PitchSlot',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('round', fields.ForeignKeyField('competitions.Round', source_field='round_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('project', fields.ForeignKeyField('competitions.Project', source_field='project_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField()),
                ('pitch_seconds', fields.IntField(default=420)),
                ('qa_seconds', fields.IntField(default=180)),
                ('started_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'judging_pitch_slot', 'app': 'judging', 'unique_together': (('round_id', 'project_id'),), 'pk_attr': 'id', 'table_description': 'A team\'s turn on stage in a live round ("7+3": pitch, then questions). Judges score the running slot,'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Rubric',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('round', fields.OneToOneField('competitions.Round', source_field='round_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('comment_required', fields.BooleanField(default=False)),
                ('comment_min_length', fields.IntField(default=0)),
                ('blind', fields.BooleanField(default=False)),
                ('judges_per_project', fields.IntField(default=3)),
                ('reassign_after_hours', fields.IntField(default=0)),
                ('live', fields.BooleanField(default=False)),
                ('grace_minutes', fields.IntField(default=5)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'judging_rubric', 'app': 'judging', 'pk_attr': 'id', 'table_description': 'How a round is scored: its criteria, whether comments are required, and whether the round is blind.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Criterion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('rubric', fields.ForeignKeyField('judging.Rubric', source_field='rubric_id', db_constraint=True, to_field='id', related_name='criteria', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField(default=0)),
                ('name_en', fields.CharField(default='', max_length=200)),
                ('name_zh', fields.CharField(default='', max_length=200)),
                ('description_en', fields.TextField(default='', unique=False)),
                ('description_zh', fields.TextField(default='', unique=False)),
                ('anchor_low_en', fields.CharField(default='', max_length=300)),
                ('anchor_low_zh', fields.CharField(default='', max_length=300)),
                ('anchor_mid_en', fields.CharField(default='', max_length=300)),
                ('anchor_mid_zh', fields.CharField(default='', max_length=300)),
                ('anchor_high_en', fields.CharField(default='', max_length=300)),
                ('anchor_high_zh', fields.CharField(default='', max_length=300)),
                ('weight', fields.DecimalField(default=1, max_digits=6, decimal_places=2)),
                ('scale_min', fields.DecimalField(default=1, max_digits=6, decimal_places=2)),
                ('scale_max', fields.DecimalField(default=10, max_digits=6, decimal_places=2)),
                ('scale_step', fields.DecimalField(default=1, max_digits=6, decimal_places=2)),
                ('counted', fields.BooleanField(default=True)),
            ],
            options={'table': 'judging_criterion', 'app': 'judging', 'pk_attr': 'id', 'table_description': 'One scored criterion. Anchors say what a low, middle and high score means. counted=False criteria are'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Score',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('assignment', fields.ForeignKeyField('judging.Assignment', source_field='assignment_id', db_constraint=True, to_field='id', related_name='scores', on_delete=OnDelete.CASCADE)),
                ('criterion', fields.ForeignKeyField('judging.Criterion', source_field='criterion_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('value', fields.DecimalField(max_digits=6, decimal_places=2)),
            ],
            options={'table': 'judging_score', 'app': 'judging', 'unique_together': (('assignment_id', 'criterion_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ScoreChange',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('assignment', fields.ForeignKeyField('judging.Assignment', source_field='assignment_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('criterion_id', fields.IntField(null=True)),
                ('what', fields.CharField(max_length=32)),
                ('old', fields.TextField(null=True, unique=False)),
                ('new', fields.TextField(null=True, unique=False)),
                ('changed_by_id', fields.IntField(null=True)),
                ('changed_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'judging_score_change', 'app': 'judging', 'indexes': [Index(fields=['assignment_id', 'changed_at'])], 'pk_attr': 'id', 'table_description': 'The audit trail of a scorecard: who changed which value (or the comment, criterion empty), and when.'},
            bases=['Model'],
        ),
    ]
