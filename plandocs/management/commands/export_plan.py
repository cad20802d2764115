from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from plandocs.exporters import plan_export
from programmes.models import Plan


class Command(BaseCommand):
    help = "导出工作方案的工作任务分解表（.xlsx 和/或 .docx）。"

    def add_arguments(self, parser):
        parser.add_argument("plan_id", type=int, help="工作方案编号")
        parser.add_argument("--xlsx", type=Path, help="Excel 文件路径")
        parser.add_argument("--docx", type=Path, help="Word 文件路径")

    def handle(self, *args, plan_id, **options):
        if not options["xlsx"] and not options["docx"]:
            raise CommandError(_("请用 --xlsx 或 --docx 指定至少一个输出文件"))
        plan = Plan.objects.filter(pk=plan_id).first()
        if plan is None:
            raise CommandError(_("工作方案 %(id)s 不存在") % {"id": plan_id})
        for extension in ("xlsx", "docx"):
            if options[extension]:
                options[extension].write_bytes(plan_export(plan=plan, extension=extension).data)
                self.stdout.write(_("已导出：%(path)s") % {"path": options[extension]})
