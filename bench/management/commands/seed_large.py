from django.core.management.base import BaseCommand

from bench.data import Scale, seed_large


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

    def handle(self, *args, **opts):
        scale = Scale(
            jurisdictions=opts["jurisdictions"],
            departments=opts["departments"],
            tasks=opts["tasks"],
            targets=opts["targets"],
            plans=opts["plans"],
            months=opts["months"],
        )
        counts = seed_large(scale)
        self.stdout.write("基准数据：" + "，".join(f"{k} {v}" for k, v in counts.items()))
