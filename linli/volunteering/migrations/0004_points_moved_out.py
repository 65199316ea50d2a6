"""The points models now belong to the ``points`` app (see ``points.0001_initial``): drop them from
volunteering's model state only; their tables and rows stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("volunteering", "0003_activity_participants"),
        ("points", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="Redemption"),
                migrations.DeleteModel(name="Reward"),
                migrations.DeleteModel(name="Transfer"),
                migrations.DeleteModel(name="Account"),
                migrations.DeleteModel(name="Scheme"),
            ],
        ),
    ]
