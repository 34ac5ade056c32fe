from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.migrations.constraints import CheckConstraint

# The backstop behind the conditional UPDATEs that move seats: whatever a bug or a race does, the database
# refuses to count more seats than the ticket type has. The waitlist keeps one live entry per address and
# type with a partial unique index, which both PostgreSQL and SQLite have (Tortoise declares it for neither).
WAITLIST_INDEX = "registration_waitlist_one_active"


# SQLite adds a CHECK by rebuilding the table, and Tortoise's rebuild drops the voucher's unique (summit, code).
VOUCHER_CODE_INDEX = "registration_voucher_code"


async def add_waitlist_index(apps, schema_editor):
    await schema_editor.client.execute_script(
        f"CREATE UNIQUE INDEX IF NOT EXISTS {WAITLIST_INDEX} ON registration_waitlist_entry (ticket_type_id, email) "
        "WHERE status IN ('waiting', 'offered')"
    )
    if schema_editor.client.capabilities.dialect == "sqlite":
        await schema_editor.client.execute_script(
            f"CREATE UNIQUE INDEX IF NOT EXISTS {VOUCHER_CODE_INDEX} ON registration_voucher (summit_id, code)"
        )


async def drop_waitlist_index(apps, schema_editor):
    await schema_editor.client.execute_script(f"DROP INDEX IF EXISTS {WAITLIST_INDEX}")
    await schema_editor.client.execute_script(f"DROP INDEX IF EXISTS {VOUCHER_CODE_INDEX}")


class Migration(migrations.Migration):
    dependencies = [('platform', '0001_initial'), ('registration', '0001_tickets_orders_waitlist')]

    initial = False

    operations = [
        ops.AddConstraint(
            model_name='TicketType',
            constraint=CheckConstraint(check='sold >= 0 AND held >= 0 AND reserved >= 0 AND sold + held + reserved <= capacity', name='registration_ticket_type_seats'),
        ),
        ops.AddConstraint(
            model_name='Voucher',
            constraint=CheckConstraint(check='uses >= 0 AND (max_uses IS NULL OR uses <= max_uses) AND reserved_taken >= 0 AND reserved_taken <= reserved', name='registration_voucher_counts'),
        ),
        ops.RunPython(add_waitlist_index, reverse_code=drop_waitlist_index),
    ]
