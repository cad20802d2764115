import json

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from bench.api import api_figures
from bench.assessment import time_assessment_year
from bench.compilation import time_month_compilation
from bench.dashboard import dashboard_figures
from bench.exports import time_export_and_import, time_pdf_import
from bench.measure import time_cold_get, time_get
from bench.peak import peak_figures, peak_reset, report_form_queries
from bench.rollup import rollup_city, rollup_figures
from bench.statistics import time_statistics_upload
from bench.world import bench_jurisdictions, bench_office_username
from programmes.cache import jurisdiction_pages_renew
from programmes.models import Plan
from qualitycity.runtime import freeze_loaded_objects


class Command(BaseCommand):
    help = "测量性能指标；--json 输出一个 JSON 对象。没有基准数据时先运行 seed_large。"

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="只输出一个 JSON 对象")
        parser.add_argument("--requests", type=int, default=200, help="每个页面的请求次数")
        parser.add_argument(
            "--peak-liaisons",
            type=int,
            default=500,
            help="月末高峰报送的联络员数（分在两台应用服务器上；超过开放中的基准月报数时需 seed_large --province）",
        )

    def handle(self, *args, **opts):
        if not bench_jurisdictions().exists():
            call_command("seed_large", stdout=self.stderr)
        # Set up like a server process (qualitycity.wsgi): the in-process timings below are
        # the requests', not the garbage collector's sweeps over all of Django.
        freeze_loaded_objects()
        # The open months' reports back to drafts: an earlier run's peak submitted them, and
        # the cold dashboard's writes go to a draft.
        peak_reset()
        jurisdiction = bench_jurisdictions().order_by("name").first()
        plan = Plan.objects.filter(jurisdiction=jurisdiction).order_by("pk").first()
        user = get_user_model().objects.get(username=bench_office_username(int(jurisdiction.name[2:-1])))

        # The test client goes through the whole WSGI stack in-process; the host check is the
        # deployment's concern, not the page's cost.
        with override_settings(ALLOWED_HOSTS=["*"], DEBUG=False):
            client = Client()
            client.force_login(user)
            trivial = time_get(client, reverse("ping"), requests=opts["requests"] * 5)
            plan_url = reverse("programmes:plan_detail", args=[plan.pk])
            # Read as people read it: from the cache, renewed by any change to the plan or to
            # its jurisdiction's departments and indicators; and, apart, the first view after
            # such a change, which builds the page.
            plan_page = time_get(client, plan_url, requests=opts["requests"])
            plan_page_built = time_cold_get(
                client,
                plan_url,
                requests=max(5, opts["requests"] // 10),
                renew=lambda: jurisdiction_pages_renew([jurisdiction.pk]),
            )
            # The dashboard beside the trivial view, in the same run and the same client, and
            # like it over five times the requests: served from the cache in a few
            # milliseconds, 200 would leave its p95 (and the growth ratio) to one pause.
            dashboard = dashboard_figures(
                client=client, jurisdiction=jurisdiction, requests=opts["requests"] * 5
            )
            # A city office's roll-up over its counties (seed_large --province), and its growth
            # when the other cities' data grow tenfold.
            rollup = dict.fromkeys(
                ("rollup_dashboard_p95_ms", "rollup_dashboard_queries", "rollup_growth_ratio")
            )
            found = rollup_city()
            if found is not None:
                city, city_office = found
                rollup_client = Client()
                rollup_client.force_login(city_office)
                rollup = rollup_figures(client=rollup_client, city=city, requests=opts["requests"] * 5)
            api = api_figures(plan=plan, user=user, requests=opts["requests"])

        figures = {
            "plan_page_p95_ms": plan_page.p95_ms,
            "plan_page_median_ms": plan_page.median_ms,
            "plan_page_queries": plan_page.queries,
            "plan_page_rps": plan_page.rps,
            "plan_page_built_p95_ms": plan_page_built.p95_ms,
            "plan_page_built_median_ms": plan_page_built.median_ms,
            "plan_page_built_queries": plan_page_built.queries,
            "trivial_view_rps": trivial.rps,
            **dashboard,
            **rollup,
            **api,
            "plan_page_tasks": plan.tasks.count(),
            "database": connection.vendor,
            "debug": settings.DEBUG,
        }
        figures.update(time_export_and_import(jurisdiction=jurisdiction, tasks=1000))
        figures.update(time_pdf_import(jurisdiction=jurisdiction, tasks=1000))
        figures.update(time_assessment_year(plan=plan))
        figures.update(time_month_compilation(plan=plan))
        figures.update(time_statistics_upload(jurisdiction=jurisdiction))
        peak_reset()
        figures["report_form_queries"] = report_form_queries()
        figures.update(peak_figures(liaisons=opts["peak_liaisons"]))
        if opts["json"]:
            self.stdout.write(json.dumps(figures, ensure_ascii=False))
        else:
            for key, value in figures.items():
                self.stdout.write(f"{key:24} {value}")
