from django.core.management.base import BaseCommand

from bench.demo import DEMO_PASSWORD, demo_load, demo_open_current_period, demo_publication
from bench.levels import demo_levels, demo_levels_months
from bench.living import demo_living


class Command(BaseCommand):
    help = "载入三份样例工作方案（fixtures/samples）和演示账号；重复运行不会重复创建。"

    def handle(self, *args, **options):
        plans, users = demo_load()
        # 苏州市 above 太仓市 first: 太仓市's months then carry the tasks 苏州市 delegated
        city = demo_levels()
        living = demo_living()
        if city is not None and city.jurisdiction.periods.count() == 0:
            demo_levels_months(city)
            self.stdout.write(
                f"上级方案：{city.title}（下发任务至太仓市、昆山市；账号 office_sz、office_ks）"
            )
        if living is not None:
            self.stdout.write(f"本年度方案：{living.title}（各月已报送，上年方案已归档）")
        period = demo_open_current_period()
        publication = demo_publication()
        if publication is not None:
            self.stdout.write(
                f"结果公示：/public/{publication.jurisdiction_id}/（太仓市本年度方案，无需登录）"
            )
        for plan in plans:
            self.stdout.write(f"工作方案：{plan.title}（{plan.jurisdiction}，{plan.tasks.count()} 项任务）")
        if period:
            self.stdout.write(
                f"报送期：{period}，截止 {period.deadline:%Y年%-m月%-d日}，{period.reports.count()} 个部门"
            )
        self.stdout.write("")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, role, where in users:
            self.stdout.write(f"  {username:<22} {role:<8} {where}")
