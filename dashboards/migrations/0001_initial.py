"""The monthly summary's recipients move from the reports app to the dashboards app, keeping their table."""

import django.db.models.deletion
from django.db import migrations, models

MODELS = ["summaryrecipient"]


def move_content_types(apps, schema_editor):
    """Permissions and admin history follow the models: their content types change app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="reports", model__in=MODELS).update(app_label="dashboards")


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="dashboards", model__in=MODELS).update(app_label="reports")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("reports", "0007_index_change_times"),
        ("responsibilities", "0003_admin_roles_password_state"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay where they are (db_table keeps their names); only the state moves.
            state_operations=[
                migrations.CreateModel(
                    name='SummaryRecipient',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=64, verbose_name='姓名')),
                        ('title', models.CharField(blank=True, max_length=64, verbose_name='职务')),
                        ('email', models.EmailField(max_length=254, verbose_name='电子邮箱')),
                        ('is_active', models.BooleanField(default=True, verbose_name='接收')),
                        ('last_sent_for', models.DateField(blank=True, null=True, verbose_name='最近已发送月份')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='添加时间')),
                        ('jurisdiction', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='summary_recipients', to='responsibilities.jurisdiction', verbose_name='行政区')),
                    ],
                    options={
                        'verbose_name': '月度摘要接收人',
                        'verbose_name_plural': '月度摘要接收人',
                        'db_table': 'reports_summaryrecipient',
                        'ordering': ['jurisdiction', 'name'],
                        'constraints': [models.UniqueConstraint(fields=('jurisdiction', 'email'), name='summary_recipient_unique_email')],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
