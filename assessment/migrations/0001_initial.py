"""The assessment models move from the reports app to their own, keeping their tables and rows."""

import assessment.models
import django.db.models.deletion
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

MODELS = ["assessment", "assessmentcriterion", "assessmentitem", "assessmentresult", "assessmentrun", "assessmentscheme", "criterionscore", "selfassessment", "selfscore"]


def move_content_types(apps, schema_editor):
    """Permissions and admin history follow the models: their content types change app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="reports", model__in=MODELS).update(app_label="assessment")


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="assessment", model__in=MODELS).update(app_label="reports")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("reports", "0007_index_change_times"),
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
                    name='Assessment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('month', '月度'), ('quarter', '季度'), ('year', '年度')], max_length=8, verbose_name='考核周期')),
                        ('start', models.DateField(verbose_name='考核期开始')),
                        ('end', models.DateField(verbose_name='考核期结束')),
                        ('label', models.CharField(max_length=64, verbose_name='考核期')),
                        ('status', models.CharField(choices=[('draft', '草稿'), ('published', '已发布')], default='draft', max_length=16, verbose_name='状态')),
                        ('scheme', models.JSONField(default=dict, verbose_name='考核方案快照')),
                        ('summary', models.JSONField(default=dict, verbose_name='概况')),
                        ('as_of', models.DateField(verbose_name='数据截至')),
                        ('compiled_at', models.DateTimeField(verbose_name='计算时间')),
                        ('published_at', models.DateTimeField(blank=True, null=True, verbose_name='发布时间')),
                        ('xlsx', models.FileField(blank=True, max_length=200, storage=assessment.models.assessment_storage, upload_to=assessment.models.assessment_file_path, verbose_name='Excel')),
                        ('pdf', models.FileField(blank=True, max_length=200, storage=assessment.models.assessment_storage, upload_to=assessment.models.assessment_file_path, verbose_name='PDF')),
                        ('docx', models.FileField(blank=True, max_length=200, storage=assessment.models.assessment_storage, upload_to=assessment.models.assessment_file_path, verbose_name='Word')),
                        ('compiled_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='发起人')),
                        ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='assessments', to='programmes.plan', verbose_name='工作方案')),
                        ('published_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='发布人')),
                    ],
                    options={
                        'verbose_name': '考核结果',
                        'verbose_name_plural': '考核结果',
                        'db_table': 'reports_assessment',
                        'ordering': ['plan', '-end', 'kind'],
                    },
                ),
                migrations.CreateModel(
                    name='AssessmentItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('bonus', '加分'), ('penalty', '扣分'), ('veto', '一票否决')], max_length=16, verbose_name='类型')),
                        ('points', models.DecimalField(decimal_places=1, default=Decimal('0'), max_digits=5, verbose_name='分值')),
                        ('reason', models.CharField(max_length=300, verbose_name='事由')),
                        ('occurred_on', models.DateField(verbose_name='发生日期')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='录入时间')),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='录入人')),
                        ('department', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='assessment_items', to='responsibilities.department', verbose_name='部门')),
                        ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='assessment_items', to='programmes.plan', verbose_name='工作方案')),
                    ],
                    options={
                        'verbose_name': '加减分及否决事项',
                        'verbose_name_plural': '加减分及否决事项',
                        'db_table': 'reports_assessmentitem',
                        'ordering': ['plan', '-occurred_on', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='AssessmentResult',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('base', models.DecimalField(decimal_places=2, max_digits=6, verbose_name='基础得分')),
                        ('bonus', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=6, verbose_name='加分')),
                        ('penalty', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=6, verbose_name='扣分')),
                        ('total', models.DecimalField(decimal_places=2, max_digits=6, verbose_name='总分')),
                        ('vetoed', models.BooleanField(default=False, verbose_name='一票否决')),
                        ('rank', models.PositiveSmallIntegerField(verbose_name='名次')),
                        ('grade', models.CharField(max_length=1, verbose_name='等次')),
                        ('adjustments', models.JSONField(default=list, verbose_name='加减分及否决事项')),
                        ('assessment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='results', to='assessment.assessment', verbose_name='考核结果')),
                        ('department', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='responsibilities.department', verbose_name='部门')),
                    ],
                    options={
                        'verbose_name': '部门考核结果',
                        'verbose_name_plural': '部门考核结果',
                        'db_table': 'reports_assessmentresult',
                        'ordering': ['assessment', 'rank', 'department__sort_order', 'department__name'],
                    },
                ),
                migrations.CreateModel(
                    name='AssessmentRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('month', '月度'), ('quarter', '季度'), ('year', '年度')], max_length=8, verbose_name='考核周期')),
                        ('start', models.DateField(verbose_name='考核期开始')),
                        ('end', models.DateField(verbose_name='考核期结束')),
                        ('status', models.CharField(choices=[('pending', '排队中'), ('running', '计算中'), ('success', '已完成'), ('failed', '失败')], default='pending', max_length=16, verbose_name='状态')),
                        ('progress', models.PositiveSmallIntegerField(default=0, verbose_name='进度（%）')),
                        ('stage', models.CharField(blank=True, max_length=100, verbose_name='当前步骤')),
                        ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='执行次数')),
                        ('error', models.TextField(blank=True, verbose_name='错误信息')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                        ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='开始时间')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='结束时间')),
                        ('assessment', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='assessment.assessment', verbose_name='考核结果')),
                        ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='assessment_runs', to='programmes.plan', verbose_name='工作方案')),
                        ('requested_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='发起人')),
                    ],
                    options={
                        'verbose_name': '考核计算任务',
                        'verbose_name_plural': '考核计算任务',
                        'db_table': 'reports_assessmentrun',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='AssessmentScheme',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year_start_month', models.PositiveSmallIntegerField(default=1, verbose_name='考核年度起始月')),
                        ('grade_a', models.DecimalField(decimal_places=1, default=Decimal('90'), max_digits=5, verbose_name='优秀（A）最低分')),
                        ('grade_b', models.DecimalField(decimal_places=1, default=Decimal('80'), max_digits=5, verbose_name='良好（B）最低分')),
                        ('grade_c', models.DecimalField(decimal_places=1, default=Decimal('60'), max_digits=5, verbose_name='合格（C）最低分')),
                        ('bonus_cap', models.DecimalField(decimal_places=1, default=Decimal('5'), max_digits=5, verbose_name='加分上限')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                        ('plan', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='assessment_scheme', to='programmes.plan', verbose_name='工作方案')),
                    ],
                    options={
                        'verbose_name': '考核方案',
                        'verbose_name_plural': '考核方案',
                        'db_table': 'reports_assessmentscheme',
                    },
                ),
                migrations.CreateModel(
                    name='AssessmentCriterion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('on_time', '按时报送'), ('completeness', '报送完整'), ('targets', '目标完成'), ('rating', '质强办评分')], max_length=16, verbose_name='考核内容')),
                        ('weight', models.DecimalField(decimal_places=1, max_digits=5, verbose_name='分值')),
                        ('position', models.PositiveSmallIntegerField(default=0, verbose_name='顺序')),
                        ('scheme', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='criteria', to='assessment.assessmentscheme', verbose_name='考核方案')),
                    ],
                    options={
                        'verbose_name': '考核指标',
                        'verbose_name_plural': '考核指标',
                        'db_table': 'reports_assessmentcriterion',
                        'ordering': ['scheme', 'position'],
                    },
                ),
                migrations.CreateModel(
                    name='CriterionScore',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('on_time', '按时报送'), ('completeness', '报送完整'), ('targets', '目标完成'), ('rating', '质强办评分')], max_length=16, verbose_name='考核内容')),
                        ('position', models.PositiveSmallIntegerField(default=0, verbose_name='顺序')),
                        ('weight', models.DecimalField(decimal_places=1, max_digits=5, verbose_name='分值')),
                        ('raw', models.CharField(max_length=100, verbose_name='原始数据')),
                        ('computed', models.DecimalField(decimal_places=2, max_digits=6, verbose_name='计算得分')),
                        ('self_score', models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True, verbose_name='自评分')),
                        ('self_justification', models.CharField(blank=True, max_length=500, verbose_name='自评说明')),
                        ('final', models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True, verbose_name='认定得分')),
                        ('final_reason', models.CharField(blank=True, max_length=500, verbose_name='认定理由')),
                        ('lost', models.JSONField(default=list, verbose_name='失分说明')),
                        ('result', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='scores', to='assessment.assessmentresult', verbose_name='部门考核结果')),
                    ],
                    options={
                        'verbose_name': '考核得分',
                        'verbose_name_plural': '考核得分',
                        'db_table': 'reports_criterionscore',
                        'ordering': ['result', 'position'],
                    },
                ),
                migrations.CreateModel(
                    name='SelfAssessment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('start', models.DateField(verbose_name='考核期开始')),
                        ('end', models.DateField(verbose_name='考核期结束')),
                        ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='提交时间')),
                        ('department', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='self_assessments', to='responsibilities.department', verbose_name='部门')),
                        ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='self_assessments', to='programmes.plan', verbose_name='工作方案')),
                        ('submitted_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='提交人')),
                    ],
                    options={
                        'verbose_name': '部门自评',
                        'verbose_name_plural': '部门自评',
                        'db_table': 'reports_selfassessment',
                        'ordering': ['plan', '-start', 'department'],
                    },
                ),
                migrations.CreateModel(
                    name='SelfScore',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('on_time', '按时报送'), ('completeness', '报送完整'), ('targets', '目标完成'), ('rating', '质强办评分')], max_length=16, verbose_name='考核内容')),
                        ('score', models.DecimalField(decimal_places=1, max_digits=5, verbose_name='自评分')),
                        ('justification', models.CharField(blank=True, max_length=500, verbose_name='自评说明')),
                        ('evidence', models.FileField(blank=True, max_length=200, storage=assessment.models.assessment_storage, upload_to='self/%Y/%m', verbose_name='佐证材料')),
                        ('self_assessment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='scores', to='assessment.selfassessment', verbose_name='部门自评')),
                    ],
                    options={
                        'verbose_name': '自评分',
                        'verbose_name_plural': '自评分',
                        'db_table': 'reports_selfscore',
                        'ordering': ['self_assessment', 'kind'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='assessment',
                    constraint=models.UniqueConstraint(condition=models.Q(('status', 'draft')), fields=('plan', 'start', 'end'), name='assessment_one_draft'),
                ),
                migrations.AddConstraint(
                    model_name='assessment',
                    constraint=models.UniqueConstraint(condition=models.Q(('status', 'published')), fields=('plan', 'start', 'end'), name='assessment_one_published'),
                ),
                migrations.AddConstraint(
                    model_name='assessment',
                    constraint=models.CheckConstraint(condition=models.Q(('end__gte', models.F('start'))), name='assessment_period_order'),
                ),
                migrations.AddConstraint(
                    model_name='assessmentitem',
                    constraint=models.CheckConstraint(condition=models.Q(('points__gte', 0), ('points__lte', 100)), name='item_points_0_100'),
                ),
                migrations.AddConstraint(
                    model_name='assessmentresult',
                    constraint=models.UniqueConstraint(fields=('assessment', 'department'), name='result_unique_department'),
                ),
                migrations.AddConstraint(
                    model_name='assessmentrun',
                    constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['pending', 'running'])), fields=('plan', 'start', 'end'), name='assessment_run_one_active'),
                ),
                migrations.AddConstraint(
                    model_name='assessmentscheme',
                    constraint=models.CheckConstraint(condition=models.Q(('year_start_month__gte', 1), ('year_start_month__lte', 12)), name='scheme_year_start_month'),
                ),
                migrations.AddConstraint(
                    model_name='assessmentscheme',
                    constraint=models.CheckConstraint(condition=models.Q(('grade_a__gt', models.F('grade_b')), ('grade_b__gt', models.F('grade_c')), ('grade_c__gte', 0)), name='scheme_grades_descending'),
                ),
                migrations.AddConstraint(
                    model_name='assessmentcriterion',
                    constraint=models.UniqueConstraint(fields=('scheme', 'kind'), name='criterion_unique_kind'),
                ),
                migrations.AddConstraint(
                    model_name='assessmentcriterion',
                    constraint=models.CheckConstraint(condition=models.Q(('weight__gte', 0), ('weight__lte', 100)), name='criterion_weight_0_100'),
                ),
                migrations.AddConstraint(
                    model_name='criterionscore',
                    constraint=models.UniqueConstraint(fields=('result', 'kind'), name='score_unique_kind'),
                ),
                migrations.AddConstraint(
                    model_name='selfassessment',
                    constraint=models.UniqueConstraint(fields=('plan', 'department', 'start', 'end'), name='self_assessment_once'),
                ),
                migrations.AddConstraint(
                    model_name='selfscore',
                    constraint=models.UniqueConstraint(fields=('self_assessment', 'kind'), name='self_score_unique_kind'),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
