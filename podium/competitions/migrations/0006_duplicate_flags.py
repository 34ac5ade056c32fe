from tortoise import migrations
from tortoise.migrations import operations as ops
from podium.competitions.models import DuplicateReason
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('competitions', '0005_eligibility_by_hand'), ('platform', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DuplicateFlag',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('project_a', fields.ForeignKeyField('competitions.Project', source_field='project_a_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('project_b', fields.ForeignKeyField('competitions.Project', source_field='project_b_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('reason', fields.CharEnumField(description='EMAIL: email\nWEBSITE: website\nTITLE: title', enum_type=DuplicateReason, max_length=16)),
                ('detail', fields.CharField(default='', max_length=300)),
                ('dismissed', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'competitions_duplicate_flag', 'app': 'competitions', 'unique_together': (('project_a_id', 'project_b_id', 'reason'),), 'indexes': [Index(fields=['project_b_id', 'dismissed'])], 'pk_attr': 'id', 'table_description': 'Two projects that look like the same application, for an organizer to review (project_a_id < project_b_id).'},
            bases=['Model'],
        ),
    ]
