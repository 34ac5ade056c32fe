from tortoise import migrations
from tortoise.migrations import operations as ops
from podium.judging.models import Method
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('competitions', '0001_initial'), ('competitions', '0002_projects_and_teams'), ('competitions', '0003_pitch_decks'), ('competitions', '0004_eligibility'), ('competitions', '0005_eligibility_by_hand'), ('competitions', '0006_duplicate_flags'), ('competitions', '0007_questions_and_answers'), ('competitions', '0008_project_list_indexes'), ('competitions', '0009_project_imports'), ('judging', '0002_rankings_results_awards'), ('platform', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Comparison',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('round', fields.ForeignKeyField('competitions.Round', source_field='round_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('judge', fields.ForeignKeyField('platform.User', source_field='judge_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('winner', fields.ForeignKeyField('competitions.Project', source_field='winner_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('loser', fields.ForeignKeyField('competitions.Project', source_field='loser_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'judging_comparison', 'app': 'judging', 'indexes': [Index(fields=['round_id', 'id']), Index(fields=['round_id', 'judge_id'])], 'pk_attr': 'id', 'table_description': "A judge's vote in a pairwise round: of the two projects shown, the winner was better."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PairCursor',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('round', fields.ForeignKeyField('competitions.Round', source_field='round_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('judge', fields.ForeignKeyField('platform.User', source_field='judge_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('seen', fields.ForeignKeyField('competitions.Project', source_field='seen_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('upcoming', fields.ForeignKeyField('competitions.Project', source_field='upcoming_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('votes', fields.IntField(default=0)),
            ],
            options={'table': 'judging_pair_cursor', 'app': 'judging', 'unique_together': (('round_id', 'judge_id'),), 'pk_attr': 'id', 'table_description': 'Where a judge stands in a pairwise round: the project seen last and the one to compare it with next.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='JudgeEffect',
            name='reliability',
            field=fields.FloatField(null=True),
        ),
        ops.AlterField(
            model_name='RankingPolicy',
            name='method',
            field=fields.CharEnumField(default=Method.AUTO, description='AUTO: auto\nMEAN: mean\nMEDIAN: median\nTRIMMED: trimmed\nCLIP: clip\nZSCORE: zscore\nPAIRWISE: pairwise', enum_type=Method, max_length=16),
        ),
        ops.AlterField(
            model_name='RankingRun',
            name='method',
            field=fields.CharEnumField(description='AUTO: auto\nMEAN: mean\nMEDIAN: median\nTRIMMED: trimmed\nCLIP: clip\nZSCORE: zscore\nPAIRWISE: pairwise', enum_type=Method, max_length=16),
        ),
        ops.AddField(
            model_name='Rubric',
            name='pairwise',
            field=fields.BooleanField(default=False),
        ),
    ]
