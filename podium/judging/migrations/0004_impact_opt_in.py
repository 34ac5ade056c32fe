from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('competitions', '0010_financing'), ('judging', '0003_pairwise_rounds'), ('platform', '0002_summit_series')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ImpactOptIn',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('project', fields.OneToOneField('competitions.Project', source_field='project_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('listed', fields.BooleanField(default=False)),
                ('changed_by', fields.ForeignKeyField('platform.User', source_field='changed_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('changed_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'judging_impact_opt_in', 'app': 'judging', 'pk_attr': 'id', 'table_description': "Whether the team lists its project by name on the summit's public impact page."},
            bases=['Model'],
        ),
    ]
