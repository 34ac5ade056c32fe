from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('competitions', '0004_eligibility'), ('platform', '0001_initial')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Project',
            name='eligibility_by_hand',
            field=fields.BooleanField(default=False),
        ),
    ]
