from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from podium.competitions.models import QuestionKind
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('competitions', '0006_duplicate_flags'), ('platform', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Question',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('competition', fields.ForeignKeyField('competitions.Competition', source_field='competition_id', db_constraint=True, to_field='id', related_name='questions', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField(default=0)),
                ('kind', fields.CharEnumField(description='SHORT_TEXT: short_text\nLONG_TEXT: long_text\nSINGLE_CHOICE: single_choice\nMULTIPLE_CHOICE: multiple_choice\nNUMBER: number\nURL: url\nDATE: date\nFILE: file', enum_type=QuestionKind, max_length=16)),
                ('label_en', fields.CharField(default='', max_length=300)),
                ('label_zh', fields.CharField(default='', max_length=300)),
                ('help_en', fields.CharField(default='', max_length=500)),
                ('help_zh', fields.CharField(default='', max_length=500)),
                ('required', fields.BooleanField(default=False)),
                ('max_length', fields.IntField(null=True)),
                ('choices', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'competitions_question', 'app': 'competitions', 'pk_attr': 'id', 'table_description': 'A question of the competition\'s application form. choices: [{"value", "en", "zh"}].'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Answer',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('project', fields.ForeignKeyField('competitions.Project', source_field='project_id', db_constraint=True, to_field='id', related_name='answers', on_delete=OnDelete.CASCADE)),
                ('question', fields.ForeignKeyField('competitions.Question', source_field='question_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('value', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('file_key', fields.CharField(default='', max_length=80)),
                ('file_name', fields.CharField(default='', max_length=200)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'competitions_answer', 'app': 'competitions', 'unique_together': (('project_id', 'question_id'),), 'pk_attr': 'id', 'table_description': 'A project\'s answer, stored as {"v": text | list of choice values} (Tortoise reads a bare str as JSON'},
            bases=['Model'],
        ),
    ]
