"""The office dashboard's first view after a write, with nothing cached for it: built afresh in
the same number of queries whatever the size of the data, and timed by the bench as such."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from bench.dashboard import entry_writer, time_after_write
from bench.data import Scale, seed_large
from bench.measure import time_get
from bench.world import bench_jurisdictions, bench_office_username

SMALL = Scale(jurisdictions=2, departments=3, tasks=6, targets=8, sections=2, months=2)
LARGER = Scale(jurisdictions=2, departments=7, tasks=15, targets=25, sections=3, months=5)


def first_city_and_office():
    city = bench_jurisdictions().order_by("name").first()
    client = Client()
    client.force_login(get_user_model().objects.get(username=bench_office_username(int(city.name[2:-1]))))
    return city, client


@pytest.mark.django_db
def test_the_dashboard_built_after_a_write_takes_the_same_queries_for_more_data(settings):
    # given production's one second of trust in the fingerprint, which the timing must defeat
    settings.DASHBOARD_FINGERPRINT_SECONDS = 1
    built, cached = [], []
    for scale in (SMALL, LARGER):
        # when a city's dashboard is read from the cache, then read after each of two writes
        seed_large(scale)
        city, client = first_city_and_office()
        url = reverse("dashboards:dashboard_for", args=[city.pk])
        with override_settings(ALLOWED_HOSTS=["*"]):
            cached.append(time_get(client, url, requests=1, warmup=1).queries)
            built.append(time_after_write(client, url, requests=2, write=entry_writer(city)).queries)

    # then each view after a write built the page (filters, tasks and their statuses, targets
    # and their values, the year's reports, the month's figures): many more queries than the
    # cached page's, and as many for twice the departments, tasks, targets and months
    assert built[0] == built[1]
    assert cached[0] == cached[1]
    assert built[0] >= cached[0] + 12


@pytest.mark.django_db
def test_the_bench_write_moves_the_fingerprint_each_time(settings):
    # given a city's open month
    settings.DASHBOARD_FINGERPRINT_SECONDS = 1
    seed_large(SMALL)
    city, client = first_city_and_office()
    url = reverse("dashboards:dashboard_for", args=[city.pk])
    write = entry_writer(city)

    # when the dashboard is timed after three writes
    with override_settings(ALLOWED_HOSTS=["*"]):
        timing = time_after_write(client, url, requests=3, write=write)

    # then every write was saved through the reports service (one audit row each, and the
    # entry's version moved), and the timing has its figures
    from reports.models import TaskEntry

    assert TaskEntry.objects.filter(progress__startswith="本月推进中（基准第").get().version == 4
    assert timing.p95_ms > 0 and timing.median_ms > 0


@pytest.mark.django_db(transaction=True)
def test_behind_a_transaction_pooler_the_fingerprint_is_not_prepared(settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dashboards.selectors import dashboard_data_fingerprint

    # given a deployment behind PgBouncer in transaction mode, on a fresh connection
    settings.DASHBOARD_FINGERPRINT_PREPARED = False
    connection.close()

    # when the fingerprint is read twice
    with CaptureQueriesContext(connection) as captured:
        first, second = dashboard_data_fingerprint(), dashboard_data_fingerprint()

    # then it is the same, and no statement was prepared or executed by name on the connection
    assert first == second
    assert not any(q["sql"].lstrip().upper().startswith(("PREPARE", "EXECUTE")) for q in captured)
    if connection.vendor == "postgresql":
        settings.DASHBOARD_FINGERPRINT_PREPARED = True
        with CaptureQueriesContext(connection) as prepared:
            assert dashboard_data_fingerprint() == first
        assert prepared[0]["sql"].startswith("PREPARE")
