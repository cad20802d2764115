"""The schedule names the task by its module: it moved from reports.tasks to dashboards.tasks."""

from django.db import migrations

OLD = "reports.tasks.send_monthly_summaries"
NEW = "dashboards.tasks.send_monthly_summaries"


def rename(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=OLD).update(task=NEW)


def rename_back(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=NEW).update(task=OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0001_initial"),
        ("reports", "0006_monthly_summary_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
