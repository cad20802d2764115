from django.core.management.base import BaseCommand
from django.db import connection

from bench.data import Province, Scale, seed_large


class Command(BaseCommand):
    help = "生成基准测试数据（行政区名“基准N市”，每次运行重建）。"

    def add_arguments(self, parser):
        defaults = Scale()
        parser.add_argument("--jurisdictions", type=int, default=defaults.jurisdictions)
        parser.add_argument(
            "--departments", type=int, default=defaults.departments, help="每个行政区的部门数"
        )
        parser.add_argument("--tasks", type=int, default=defaults.tasks, help="每个方案的任务数")
        parser.add_argument("--targets", type=int, default=defaults.targets, help="每个方案的指标数")
        parser.add_argument("--plans", type=int, default=defaults.plans, help="每个行政区的方案数")
        parser.add_argument(
            "--months", type=int, default=defaults.months, help="生成多少个月的历史月报（截至上月）"
        )
        tree = Province()
        parser.add_argument(
            "--province",
            action="store_true",
            help="生成一个省（基准省）及其下各市、各县，每个行政区按上述规模（忽略 --jurisdictions）",
        )
        parser.add_argument("--cities", type=int, default=tree.cities, help="省下的市数（--province）")
        parser.add_argument("--counties", type=int, default=tree.counties, help="每市的县数（--province）")
        parser.add_argument(
            "--delegated", type=int, default=tree.delegated, help="每市向每县下发的任务数（--province）"
        )

    def handle(self, *args, **opts):
        scale = Scale(
            jurisdictions=opts["jurisdictions"],
            departments=opts["departments"],
            tasks=opts["tasks"],
            targets=opts["targets"],
            plans=opts["plans"],
            months=opts["months"],
        )
        province = None
        if opts["province"]:
            province = Province(cities=opts["cities"], counties=opts["counties"], delegated=opts["delegated"])
        counts = seed_large(scale, province=province)
        # Millions of fresh rows: without statistics the planner takes a month's periods for a
        # handful and walks every report (seen on the province data), and until a vacuum marks
        # their pages all-visible a covering index (the measurements' series) still reads the
        # table row by row. Autovacuum would do both within minutes where it runs; a bulk load
        # does them itself, as a DBA would.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        self.stdout.write("基准数据：" + "，".join(f"{k} {v}" for k, v in counts.items()))
