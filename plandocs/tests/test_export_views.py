"""Downloading a plan's decomposition table: the office's own plans only, as a named file."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from qualitycity.exporters import DOCX_CONTENT_TYPE, XLSX_CONTENT_TYPE

DOWNLOADS = [
    ("plandocs:plan_export_xlsx", XLSX_CONTENT_TYPE, "xlsx"),
    ("plandocs:plan_export_docx", DOCX_CONTENT_TYPE, "docx"),
]


@pytest.mark.parametrize(("name", "content_type", "extension"), DOWNLOADS)
def test_office_downloads_its_plans_decomposition_table(client, cast, name, content_type, extension):
    # given the office of the plan's jurisdiction
    client.force_login(cast.office)

    # when it downloads the table
    response = client.get(reverse(name, args=[cast.plan.pk]))

    # then it gets the file for Excel or Word, named after the plan, the Chinese name encoded per RFC 5987
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=utf-8''{quote(f'{cast.plan.title}-工作任务分解表.{extension}')}" in disposition
    assert b"".join(response.streaming_content).startswith(b"PK")


@pytest.mark.parametrize(("name", "content_type", "extension"), DOWNLOADS)
def test_leader_and_liaison_of_the_jurisdiction_may_download_too(client, cast, name, content_type, extension):
    for user in (cast.leader, cast.liaison):
        client.force_login(user)
        assert client.get(reverse(name, args=[cast.plan.pk])).status_code == 200


@pytest.mark.parametrize(("name", "content_type", "extension"), DOWNLOADS)
def test_office_cannot_download_another_jurisdictions_plan(client, cast, name, content_type, extension):
    # given an office user and a plan of another jurisdiction
    client.force_login(cast.office)

    # when they ask for its table, then the plan does not exist for them
    assert client.get(reverse(name, args=[cast.outsider_plan.pk])).status_code == 404


@pytest.mark.parametrize(("name", "content_type", "extension"), DOWNLOADS)
def test_anonymous_user_is_sent_to_login_for_a_download(client, cast, name, content_type, extension):
    response = client.get(reverse(name, args=[cast.plan.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_plan_page_offers_both_downloads(client, cast):
    # given the office on its plan's page, then the page links to both downloads
    client.force_login(cast.office)
    html = client.get(reverse("programmes:plan_detail", args=[cast.plan.pk])).content.decode()
    assert reverse("plandocs:plan_export_xlsx", args=[cast.plan.pk]) in html
    assert reverse("plandocs:plan_export_docx", args=[cast.plan.pk]) in html


def test_a_plan_with_its_own_appendix_table_offers_it_and_the_whole_plan(client, cast):
    from programmes.models import Heading
    from tests.factories import AssignmentFactory, TaskFactory

    # given a plan whose 附件 is its own decomposition table
    appendix = Heading.objects.create(
        plan=cast.plan, number="附件", path=["附件"], title="重点任务分解表", position=90
    )
    task = TaskFactory(
        plan=cast.plan, heading=appendix, number="1", path=["附件", "1"], title="附件任务", position=91
    )
    AssignmentFactory(task=task, department=cast.department)
    client.force_login(cast.office)

    # then the plan page offers the whole plan beside the default table
    html = client.get(reverse("programmes:plan_detail", args=[cast.plan.pk])).content.decode()
    assert "?scope=plan" in html

    # and the default download is the appendix table, the option the whole plan
    def titles(scope):
        url = reverse("plandocs:plan_export_xlsx", args=[cast.plan.pk]) + (f"?scope={scope}" if scope else "")
        return b"".join(client.get(url).streaming_content)

    from io import BytesIO

    from openpyxl import load_workbook

    def cells(data):
        return {
            str(c.value) for row in load_workbook(BytesIO(data)).active.iter_rows() for c in row if c.value
        }

    default, whole = cells(titles("")), cells(titles("plan"))
    assert "附件任务" in default and cast.task.title not in default
    assert {"附件任务", cast.task.title} <= whole
