"""Plan import drafts move from the programmes app to plandocs, keeping their table and rows."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ["planimport"]


def move_content_types(apps, schema_editor):
    """Permissions and admin history follow the models: their content types change app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="programmes", model__in=MODELS).update(app_label="plandocs")


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="plandocs", model__in=MODELS).update(app_label="programmes")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("programmes", "0002_planimport"),
        ("responsibilities", "0003_admin_roles_password_state"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay where they are (db_table keeps their names); only the state moves.
            state_operations=[
                migrations.CreateModel(
                    name='PlanImport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                        ('source_name', models.CharField(blank=True, max_length=200, verbose_name='来源文件')),
                        ('source_text', models.TextField(blank=True, verbose_name='原文')),
                        ('extraction', models.JSONField(default=dict, verbose_name='识别结果')),
                        ('title', models.CharField(blank=True, max_length=200, verbose_name='标题')),
                        ('kind', models.CharField(choices=[('action_plan', '行动计划'), ('implementation', '实施方案'), ('work_points', '工作要点'), ('other', '其他')], default='action_plan', max_length=32, verbose_name='类型')),
                        ('year_start', models.PositiveSmallIntegerField(verbose_name='起始年度')),
                        ('year_end', models.PositiveSmallIntegerField(verbose_name='截止年度')),
                        ('issuer', models.CharField(blank=True, max_length=128, verbose_name='印发机关')),
                        ('document_number', models.CharField(blank=True, max_length=64, verbose_name='文号')),
                        ('department_map', models.JSONField(default=dict, help_text='原文名称 → 部门编号，或 new 表示新建', verbose_name='部门对应')),
                        ('status', models.CharField(choices=[('draft', '待确认'), ('confirmed', '已导入'), ('discarded', '已放弃')], default='draft', max_length=16, verbose_name='状态')),
                        ('revision', models.PositiveIntegerField(default=0, verbose_name='修订号')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='plan_imports', to=settings.AUTH_USER_MODEL, verbose_name='导入人')),
                        ('jurisdiction', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='plan_imports', to='responsibilities.jurisdiction', verbose_name='行政区')),
                        ('plan', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='imports', to='programmes.plan', verbose_name='导入的工作方案')),
                    ],
                    options={
                        'verbose_name': '方案导入',
                        'verbose_name_plural': '方案导入',
                        'db_table': 'programmes_planimport',
                        'ordering': ['-created_at', '-id'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('year_end__gte', models.F('year_start'))), name='planimport_years_in_order'), models.CheckConstraint(condition=models.Q(('status__in', ['draft', 'confirmed', 'discarded'])), name='planimport_status_valid')],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
