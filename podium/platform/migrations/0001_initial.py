from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from podium.platform.notifications.models import NotificationStatus
from podium.platform.summits.models import Role
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Notification',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=200)),
                ('recipient', fields.CharField(max_length=254)),
                ('kind', fields.CharField(max_length=64)),
                ('locale', fields.CharField(max_length=16)),
                ('context', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('status', fields.CharEnumField(default=NotificationStatus.PENDING, description='PENDING: pending\nSENDING: sending\nSENT: sent\nFAILED: failed', enum_type=NotificationStatus, max_length=16)),
                ('attempts', fields.IntField(default=0)),
                ('last_error', fields.TextField(default='', unique=False)),
                ('claimed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'platform_notification', 'app': 'platform', 'indexes': [Index(fields=['status', 'created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Summit',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('slug', fields.CharField(unique=True, max_length=80)),
                ('name_en', fields.CharField(default='', max_length=200)),
                ('name_zh', fields.CharField(default='', max_length=200)),
                ('description_en', fields.TextField(default='', unique=False)),
                ('description_zh', fields.TextField(default='', unique=False)),
                ('venue_en', fields.CharField(default='', max_length=200)),
                ('venue_zh', fields.CharField(default='', max_length=200)),
                ('starts_on', fields.DateField()),
                ('ends_on', fields.DateField()),
                ('timezone', fields.CharField(default='Asia/Shanghai', max_length=64)),
                ('currency', fields.CharField(default='CNY', max_length=3)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'platform_summit', 'app': 'platform', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='User',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('email', fields.CharField(unique=True, max_length=254)),
                ('password_hash', fields.CharField(max_length=255)),
                ('name', fields.CharField(default='', max_length=200)),
                ('name_local', fields.CharField(default='', max_length=200)),
                ('locale', fields.CharField(default='', max_length=16)),
                ('timezone', fields.CharField(default='UTC', max_length=64)),
                ('country', fields.CharField(default='', max_length=2)),
                ('organisation', fields.CharField(default='', max_length=200)),
                ('is_superuser', fields.BooleanField(default=False)),
                ('is_active', fields.BooleanField(default=True)),
                ('email_verified_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_login_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'platform_user', 'app': 'platform', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ApiToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('platform.User', source_field='user_id', db_constraint=True, to_field='id', related_name='api_tokens', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=100)),
                ('prefix', fields.CharField(max_length=16)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('last_used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'platform_api_token', 'app': 'platform', 'pk_attr': 'id', 'table_description': 'A bearer token for /api/v1. Shown once when minted, and only its SHA-256 is stored.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('actor', fields.ForeignKeyField('platform.User', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('action', fields.CharField(max_length=64)),
                ('object_type', fields.CharField(max_length=64)),
                ('object_id', fields.CharField(default='', max_length=64)),
                ('data', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'platform_audit_entry', 'app': 'platform', 'indexes': [Index(fields=['object_type', 'object_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Session',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key_hash', fields.CharField(unique=True, max_length=64)),
                ('user', fields.ForeignKeyField('platform.User', source_field='user_id', db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('last_seen_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ip', fields.CharField(default='', max_length=64)),
                ('user_agent', fields.CharField(default='', max_length=300)),
            ],
            options={'table': 'platform_session', 'app': 'platform', 'pk_attr': 'id', 'table_description': 'A signed-in browser. The cookie holds a random key, and only its SHA-256 is stored.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SummitRole',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('summit', fields.ForeignKeyField('platform.Summit', source_field='summit_id', db_constraint=True, to_field='id', related_name='roles', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('platform.User', source_field='user_id', null=True, db_constraint=True, to_field='id', related_name='summit_roles', on_delete=OnDelete.CASCADE)),
                ('email', fields.CharField(max_length=254)),
                ('role', fields.CharEnumField(description='ORGANIZER: organizer\nJUDGE: judge\nSTAFF: staff', enum_type=Role, max_length=16)),
                ('granted_by', fields.ForeignKeyField('platform.User', source_field='granted_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'platform_summit_role', 'app': 'platform', 'unique_together': (('summit_id', 'email', 'role'),), 'indexes': [Index(fields=['user_id', 'summit_id'])], 'pk_attr': 'id', 'table_description': 'A role in one summit, granted by e-mail. user is set once that address is a verified account.'},
            bases=['Model'],
        ),
    ]
