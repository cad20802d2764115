"""Plan import drafts now belong to plandocs; the table stays."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("programmes", "0002_planimport"),
        ("plandocs", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # State only: the moved models keep their tables under the new app.
            state_operations=[
                migrations.DeleteModel(
                    name='PlanImport',
                ),
            ],
        ),
    ]
