"""python manage.py import_plan FILE: read a plan (.txt, .docx, .xlsx, .pdf, .html, .doc, .wps) and save it, or with
--dry-run --json print what was read in the SCHEMA.md shape without writing anything."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from plandocs.drafts import plan_meta_of
from plandocs.intake import read_upload
from plandocs.readers import ImportFailed
from plandocs.review import (
    MAX_BYTES,
    plan_import_document,
    source_text_render,
    targets_split_unplaced,
)
from plandocs.services import PlanMeta
from programmes.models import Plan
from qualitycity.errors import ApplicationError
from responsibilities.models import Jurisdiction


class Command(BaseCommand):
    help = "导入一份工作方案（.txt、.docx、.xlsx）；--dry-run --json 只输出识别结果，不写入数据库。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="方案文件路径")
        parser.add_argument("--dry-run", action="store_true", help="只识别，不保存")
        parser.add_argument("--json", action="store_true", help="以 JSON（SCHEMA.md 格式）输出识别结果")
        parser.add_argument("--jurisdiction", help="行政区名称，例如：太仓市")
        parser.add_argument("--title", help="方案标题；默认取原文标题")
        parser.add_argument("--year-start", type=int, help="起始年度；默认取标题中的年份，否则为今年")
        parser.add_argument("--year-end", type=int, help="截止年度；默认同起始年度")
        parser.add_argument("--kind", choices=Plan.Kind.values, help="方案类型；默认按标题判断")
        parser.add_argument("--document-number", default="", help="文号，例如：太政办〔2022〕64号")
        parser.add_argument(
            "--create-departments", action="store_true", help="原文中未登记的部门名称直接新建为部门"
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("无法读取文件「%(path)s」：%(error)s") % {"path": path, "error": exc.strerror or exc}
            ) from exc
        try:
            extraction = read_upload(data, path.name, max_bytes=MAX_BYTES)
        except ImportFailed as exc:
            raise CommandError(exc.message) from exc

        if options["dry_run"]:
            if options["json"]:
                self.stdout.write(json.dumps(extraction.to_schema(), ensure_ascii=False, indent=2))
            else:
                self._summary(extraction.to_dict())
            return

        if not options["jurisdiction"]:
            raise CommandError(_("保存时须用 --jurisdiction 指定行政区"))
        jurisdiction = Jurisdiction.objects.filter(name=options["jurisdiction"]).first()
        if jurisdiction is None:
            raise CommandError(_("行政区「%(name)s」不存在") % {"name": options["jurisdiction"]})
        document = extraction.to_dict()
        found = plan_meta_of(
            document,
            filename=path.name,
            title=options["title"] or "",
            kind=options["kind"] or "",
            year_start=options["year_start"],
            year_end=options["year_end"],
            document_number=options["document_number"],
        )
        year_start, year_end = found["year_start"], found["year_end"]
        if year_end < year_start:
            raise CommandError(
                _("截止年度 %(end)s 早于起始年度 %(start)s") % {"end": year_end, "start": year_start}
            )
        # Targets stated in a heading's own paragraph belong to no task until someone decides:
        # the web review asks; the command line leaves them out and says so.
        document, unplaced = targets_split_unplaced(document)
        meta = PlanMeta(
            title=found["title"],
            kind=found["kind"],
            year_start=year_start,
            year_end=year_end,
            document_number=found["document_number"],
            issuer=found["issuer"],
            issued_on=found["issued_on"],
            source_name=path.name,
            source_text=source_text_render(data, filename=path.name),
        )
        try:
            plan = plan_import_document(
                jurisdiction=jurisdiction,
                meta=meta,
                document=document,
                create_departments=options["create_departments"],
            )
        except ApplicationError as exc:
            raise CommandError(str(exc)) from exc
        for target in unplaced:
            self.stderr.write(
                f"未导入：指标「{target.get('indicator')}」写在标题 {'/'.join(target['task_path'])} 下，"
                "不属于任何任务；请用网页导入核对后归属到任务"
            )
        if options["json"]:
            self.stdout.write(json.dumps({"plan": plan.pk, "title": plan.title}, ensure_ascii=False))
        else:
            self.stdout.write(
                f"已导入工作方案《{plan.title}》（{jurisdiction.name}，{plan.tasks.count()} 项任务，编号 {plan.pk}）"
            )

    def _summary(self, document: dict) -> None:
        self.stdout.write(f"标题：{document['title']}")
        self.stdout.write(f"任务 {len(document['tasks'])} 项，指标 {len(document['targets'])} 个")
        for warning in document["warnings"]:
            self.stdout.write(f"  注意：{warning['message']}")
