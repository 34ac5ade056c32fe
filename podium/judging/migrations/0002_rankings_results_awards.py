from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from podium.judging.models import AdvanceScope, AwardScope, Method
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('competitions', '0001_initial'), ('competitions', '0002_projects_and_teams'), ('competitions', '0003_pitch_decks'), ('competitions', '0004_eligibility'), ('competitions', '0005_eligibility_by_hand'), ('competitions', '0006_duplicate_flags'), ('competitions', '0007_questions_and_answers'), ('competitions', '0008_project_list_indexes'), ('competitions', '0009_project_imports'), ('judging', '0001_initial'), ('platform', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Advancement',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('round', fields.ForeignKeyField('competitions.Round', source_field='round_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('project', fields.ForeignKeyField('competitions.Project', source_field='project_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('rank', fields.IntField()),
                ('score', fields.DecimalField(max_digits=10, decimal_places=4)),
                ('advances', fields.BooleanField()),
            ],
            options={'table': 'judging_advancement', 'app': 'judging', 'unique_together': (('round_id', 'project_id'),), 'pk_attr': 'id', 'table_description': "A round's outcome for one project, written when the round is finalised: its place and whether it"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AwardTier',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('competition', fields.ForeignKeyField('competitions.Competition', source_field='competition_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField(default=0)),
                ('name_en', fields.CharField(default='', max_length=200)),
                ('name_zh', fields.CharField(default='', max_length=200)),
                ('count', fields.IntField()),
                ('scope', fields.CharEnumField(default=AwardScope.OVERALL, description='OVERALL: overall\nTRACK: track', enum_type=AwardScope, max_length=16)),
                ('prize_amount', fields.BigIntField(default=0)),
                ('referrer_share_percent', fields.DecimalField(default=0, max_digits=5, decimal_places=2)),
            ],
            options={'table': 'judging_award_tier', 'app': 'judging', 'pk_attr': 'id', 'table_description': 'A prize of the competition (first prize, excellence prize …): how many, from the final ranking overall'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Award',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tier', fields.ForeignKeyField('judging.AwardTier', source_field='tier_id', db_constraint=True, to_field='id', related_name='awards', on_delete=OnDelete.CASCADE)),
                ('project', fields.ForeignKeyField('competitions.Project', source_field='project_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('rank', fields.IntField()),
                ('referrer', fields.CharField(default='', max_length=200)),
                ('referrer_amount', fields.BigIntField(default=0)),
                ('granted_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'judging_award', 'app': 'judging', 'unique_together': (('tier_id', 'project_id'),), 'pk_attr': 'id', 'table_description': 'A prize granted to a project. The referrer named on the project is credited its share.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RankingPolicy',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('round', fields.OneToOneField('competitions.Round', source_field='round_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('method', fields.CharEnumField(default=Method.AUTO, description='AUTO: auto\nMEAN: mean\nMEDIAN: median\nTRIMMED: trimmed\nCLIP: clip\nZSCORE: zscore', enum_type=Method, max_length=16)),
                ('clip', fields.DecimalField(null=True, max_digits=8, decimal_places=3)),
                ('decimals', fields.IntField(default=2)),
                ('cumulative_weight', fields.DecimalField(default=0, max_digits=6, decimal_places=2)),
                ('advance_count', fields.IntField(default=0)),
                ('advance_scope', fields.CharEnumField(default=AdvanceScope.OVERALL, description='OVERALL: overall\nTRACK: track\nDIVISION: division\nTRACK_DIVISION: track_division', enum_type=AdvanceScope, max_length=16)),
                ('advance_threshold', fields.DecimalField(null=True, max_digits=8, decimal_places=3)),
                ('tie_break_criterion_id', fields.IntField(null=True)),
                ('share_comments', fields.BooleanField(default=False)),
                ('bootstrap', fields.IntField(default=200)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'judging_ranking_policy', 'app': 'judging', 'pk_attr': 'id', 'table_description': 'How a round is ranked and who advances: the aggregation method, the published precision, the weight of'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RankingRun',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('round', fields.ForeignKeyField('competitions.Round', source_field='round_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('method', fields.CharEnumField(description='AUTO: auto\nMEAN: mean\nMEDIAN: median\nTRIMMED: trimmed\nCLIP: clip\nZSCORE: zscore', enum_type=Method, max_length=16)),
                ('parameters', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('input_digest', fields.CharField(max_length=64)),
                ('scorecards', fields.IntField(default=0)),
                ('final', fields.BooleanField(default=False)),
                ('computed_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'judging_ranking_run', 'app': 'judging', 'unique_together': (('round_id', 'input_digest'),), 'indexes': [Index(fields=['round_id', 'computed_at'])], 'pk_attr': 'id', 'table_description': "One computation of a round's ranking: its method, parameters and a digest of its input, so the same"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='JudgeEffect',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('run', fields.ForeignKeyField('judging.RankingRun', source_field='run_id', db_constraint=True, to_field='id', related_name='judges', on_delete=OnDelete.CASCADE)),
                ('judge_id', fields.IntField()),
                ('severity', fields.FloatField()),
                ('scale', fields.FloatField()),
                ('scorecards', fields.IntField(default=0)),
                ('outlier', fields.BooleanField(default=False)),
            ],
            options={'table': 'judging_judge_effect', 'app': 'judging', 'pk_attr': 'id', 'table_description': "A judge's fitted severity (shift) and scale (stretch) in a ranking run, with outliers flagged."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RankingRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('run', fields.ForeignKeyField('judging.RankingRun', source_field='run_id', db_constraint=True, to_field='id', related_name='rows', on_delete=OnDelete.CASCADE)),
                ('project', fields.ForeignKeyField('competitions.Project', source_field='project_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('rank', fields.IntField()),
                ('score', fields.DecimalField(max_digits=10, decimal_places=4)),
                ('round_score', fields.DecimalField(null=True, max_digits=10, decimal_places=4)),
                ('plain_mean', fields.DecimalField(null=True, max_digits=10, decimal_places=4)),
                ('ci_low', fields.FloatField(null=True)),
                ('ci_high', fields.FloatField(null=True)),
                ('rank_low', fields.IntField(null=True)),
                ('rank_high', fields.IntField(null=True)),
                ('n_judges', fields.IntField(default=0)),
                ('spread', fields.FloatField(null=True)),
                ('p_advance', fields.FloatField(null=True)),
                ('advances', fields.BooleanField(default=False)),
                ('linked', fields.BooleanField(default=True)),
            ],
            options={'table': 'judging_ranking_row', 'app': 'judging', 'unique_together': (('run_id', 'project_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
