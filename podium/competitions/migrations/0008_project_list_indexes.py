from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

# The organizer's full-text search (podium.competitions.queries._FTS_SQL) reads this expression; the index must
# repeat it exactly. PostgreSQL only: SQLite searches with LIKE and has no such index.
FTS_INDEX = "competitions_project_fts"
FTS_SQL = (
    f"CREATE INDEX IF NOT EXISTS {FTS_INDEX} ON competitions_project "
    "USING gin (to_tsvector('simple', title || ' ' || summary))"
)


async def add_fts_index(apps, schema_editor):
    if schema_editor.client.capabilities.dialect == "postgres":
        await schema_editor.client.execute_script(FTS_SQL)


async def drop_fts_index(apps, schema_editor):
    if schema_editor.client.capabilities.dialect == "postgres":
        await schema_editor.client.execute_script(f"DROP INDEX IF EXISTS {FTS_INDEX}")


class Migration(migrations.Migration):
    dependencies = [('competitions', '0007_questions_and_answers'), ('platform', '0001_initial')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Project',
            index=Index(fields=['competition_id', 'updated_at', 'id']),
        ),
        ops.RunPython(add_fts_index, reverse_code=drop_fts_index),
    ]
