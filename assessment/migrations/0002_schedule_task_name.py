"""The schedule names the task by its module: it moved from reports.tasks to assessment.tasks."""

from django.db import migrations

OLD = "reports.tasks.compile_due_assessments"
NEW = "assessment.tasks.compile_due_assessments"


def rename(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=OLD).update(task=NEW)


def rename_back(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=NEW).update(task=OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0001_initial"),
        ("reports", "0004_assessment_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
