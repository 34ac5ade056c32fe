from tortoise import migrations
from tortoise.migrations import operations as ops
from podium.platform.programme.models import SessionKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('platform', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='CalendarFeed',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.OneToOneField('platform.User', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('nonce', fields.CharField(unique=True, max_length=32)),
                ('locale', fields.CharField(default='', max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'programme_calendar_feed', 'app': 'programme', 'pk_attr': 'id', 'table_description': "A person's private calendar feed of their bookmarks."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Room',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('summit', fields.ForeignKeyField('platform.Summit', source_field='summit_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('name_en', fields.CharField(default='', max_length=200)),
                ('name_zh', fields.CharField(default='', max_length=200)),
                ('position', fields.IntField(default=0)),
            ],
            options={'table': 'programme_room', 'app': 'programme', 'pk_attr': 'id', 'table_description': 'A hall or room of the venue where sessions take place.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Session',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('summit', fields.ForeignKeyField('platform.Summit', source_field='summit_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(default=SessionKind.FORUM, description='KEYNOTE: keynote\nFORUM: forum\nCOMPETITION: competition\nCEREMONY: ceremony\nSIDE_EVENT: side-event\nOTHER: other', enum_type=SessionKind, max_length=16)),
                ('title_en', fields.CharField(default='', max_length=200)),
                ('title_zh', fields.CharField(default='', max_length=200)),
                ('description_en', fields.TextField(default='', unique=False)),
                ('description_zh', fields.TextField(default='', unique=False)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('room', fields.ForeignKeyField('programme.Room', source_field='room_id', null=True, db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.NO_ACTION)),
                ('published', fields.BooleanField(default=False)),
                ('needs_registration', fields.BooleanField(default=False)),
                ('ticket_type_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'programme_session', 'app': 'programme', 'indexes': [Index(fields=['summit_id', 'starts_at']), Index(fields=['room_id', 'starts_at'])], 'pk_attr': 'id', 'table_description': "One slot of the programme. Times are stored in UTC and entered in the summit's time zone."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Bookmark',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('platform.User', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('session', fields.ForeignKeyField('programme.Session', source_field='session_id', db_constraint=True, to_field='id', related_name='bookmarks', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'programme_bookmark', 'app': 'programme', 'unique_together': (('user_id', 'session_id'),), 'pk_attr': 'id', 'table_description': 'A session someone wants in their own programme and calendar feed.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Speaker',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('summit', fields.ForeignKeyField('platform.Summit', source_field='summit_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(default='', max_length=200)),
                ('name_local', fields.CharField(default='', max_length=200)),
                ('organisation_en', fields.CharField(default='', max_length=200)),
                ('organisation_zh', fields.CharField(default='', max_length=200)),
                ('bio_en', fields.TextField(default='', unique=False)),
                ('bio_zh', fields.TextField(default='', unique=False)),
                ('photo_key', fields.CharField(default='', db_index=True, max_length=80)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'programme_speaker', 'app': 'programme', 'pk_attr': 'id', 'table_description': 'A person on the programme. photo_key names the stored, re-encoded JPEG (empty without a photo).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SessionSpeaker',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('session', fields.ForeignKeyField('programme.Session', source_field='session_id', db_constraint=True, to_field='id', related_name='speaker_links', on_delete=OnDelete.CASCADE)),
                ('speaker', fields.ForeignKeyField('programme.Speaker', source_field='speaker_id', db_constraint=True, to_field='id', related_name='session_links', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField(default=0)),
            ],
            options={'table': 'programme_session_speaker', 'app': 'programme', 'unique_together': (('session_id', 'speaker_id'),), 'pk_attr': 'id', 'table_description': 'A speaker on a session, in the order they are listed.'},
            bases=['Model'],
        ),
    ]
