"""The assessment and the summary's recipients now belong to their own apps; their tables stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0007_index_change_times"),
        ("assessment", "0001_initial"),
        ("dashboards", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # State only: the moved models keep their tables under the new app.
            state_operations=[
                migrations.RemoveField(
                    model_name='assessmentresult',
                    name='assessment',
                ),
                migrations.RemoveField(
                    model_name='assessmentrun',
                    name='assessment',
                ),
                migrations.RemoveField(
                    model_name='assessmentcriterion',
                    name='scheme',
                ),
                migrations.RemoveField(
                    model_name='assessmentitem',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='assessmentitem',
                    name='department',
                ),
                migrations.RemoveField(
                    model_name='assessmentitem',
                    name='plan',
                ),
                migrations.RemoveField(
                    model_name='assessmentresult',
                    name='department',
                ),
                migrations.RemoveField(
                    model_name='criterionscore',
                    name='result',
                ),
                migrations.RemoveField(
                    model_name='assessmentrun',
                    name='plan',
                ),
                migrations.RemoveField(
                    model_name='assessmentrun',
                    name='requested_by',
                ),
                migrations.RemoveField(
                    model_name='assessmentscheme',
                    name='plan',
                ),
                migrations.RemoveField(
                    model_name='selfassessment',
                    name='department',
                ),
                migrations.RemoveField(
                    model_name='selfassessment',
                    name='plan',
                ),
                migrations.RemoveField(
                    model_name='selfassessment',
                    name='submitted_by',
                ),
                migrations.RemoveField(
                    model_name='selfscore',
                    name='self_assessment',
                ),
                migrations.RemoveField(
                    model_name='summaryrecipient',
                    name='jurisdiction',
                ),
                migrations.DeleteModel(
                    name='Assessment',
                ),
                migrations.DeleteModel(
                    name='AssessmentCriterion',
                ),
                migrations.DeleteModel(
                    name='AssessmentItem',
                ),
                migrations.DeleteModel(
                    name='AssessmentResult',
                ),
                migrations.DeleteModel(
                    name='CriterionScore',
                ),
                migrations.DeleteModel(
                    name='AssessmentRun',
                ),
                migrations.DeleteModel(
                    name='AssessmentScheme',
                ),
                migrations.DeleteModel(
                    name='SelfAssessment',
                ),
                migrations.DeleteModel(
                    name='SelfScore',
                ),
                migrations.DeleteModel(
                    name='SummaryRecipient',
                ),
            ],
        ),
    ]
