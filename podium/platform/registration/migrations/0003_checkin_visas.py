from tortoise import migrations
from tortoise.migrations import operations as ops
from podium.platform.registration.models import VisaStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import CheckConstraint

# Passport numbers are erased VISA_ERASE_DAYS after the summit: the database refuses an erased request that still
# holds a sealed number. SQLite adds the CHECK by rebuilding the table, and Tortoise's rebuild drops the one
# request per ticket (UNIQUE ticket_id) and both indexes: they are made again here, under the same names.
SQLITE_INDEXES = (
    'CREATE UNIQUE INDEX IF NOT EXISTS "registration_visa_request_ticket" ON "registration_visa_request" ("ticket_id")',
    'CREATE INDEX IF NOT EXISTS "idx_registratio_summit__042dd6" ON "registration_visa_request" ("summit_id", "status")',
    'CREATE INDEX IF NOT EXISTS "idx_registratio_summit__f49c6e" ON "registration_visa_request" ("summit_id", "erased_at")',
)


async def restore_sqlite_indexes(apps, schema_editor):
    if schema_editor.client.capabilities.dialect == "sqlite":
        for statement in SQLITE_INDEXES:
            await schema_editor.client.execute_script(statement)


async def nothing(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [('platform', '0001_initial'), ('registration', '0002_seat_constraints')]

    initial = False

    operations = [
        ops.CreateModel(
            name='VisaRequest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('ticket', fields.OneToOneField('registration.Ticket', source_field='ticket_id', db_constraint=True, to_field='id', related_name='visa_request', on_delete=OnDelete.CASCADE)),
                ('summit', fields.ForeignKeyField('platform.Summit', source_field='summit_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('passport_name', fields.CharField(max_length=200)),
                ('nationality', fields.CharField(max_length=2)),
                ('passport_number_sealed', fields.TextField(default='', unique=False)),
                ('date_of_birth', fields.DateField()),
                ('passport_expires_on', fields.DateField()),
                ('purpose', fields.TextField(default='', unique=False)),
                ('arrives_on', fields.DateField(null=True)),
                ('departs_on', fields.DateField(null=True)),
                ('status', fields.CharEnumField(default=VisaStatus.REQUESTED, description='REQUESTED: requested\nAPPROVED: approved\nREJECTED: rejected', enum_type=VisaStatus, max_length=16)),
                ('note', fields.TextField(default='', unique=False)),
                ('signatory', fields.CharField(default='', max_length=200)),
                ('requested_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('requested_by', fields.ForeignKeyField('platform.User', source_field='requested_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('decided_by', fields.ForeignKeyField('platform.User', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('erased_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'registration_visa_request', 'app': 'registration', 'indexes': [Index(fields=['summit_id', 'status']), Index(fields=['summit_id', 'erased_at'])], 'pk_attr': 'id', 'table_description': "An attendee's request for a visa invitation letter, one per ticket, and the organizer's decision."},
            bases=['Model'],
        ),
        # Tortoise leaves CHECK constraints out of CreateModel: this one reaches the database on its own.
        ops.AddConstraint(
            model_name='VisaRequest',
            constraint=CheckConstraint(check="erased_at IS NULL OR passport_number_sealed = ''", name='registration_visa_request_erased'),
        ),
        ops.RunPython(restore_sqlite_indexes, reverse_code=nothing),
    ]
