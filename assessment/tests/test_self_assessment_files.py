"""A self-assessment's evidence passes the one upload check, is stored privately, and a file
replaced by a new submission leaves the disk."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessment.models import SelfAssessment, SelfScore
from assessment.services import self_assessment_submit
from assessment.tests.assessment_data import FIRST_QUARTER, months
from qualitycity.errors import ApplicationError

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def quarter(cast, settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path
    months(cast, 1, 2, 3)
    return FIRST_QUARTER


def submit_with(cast, period, evidence):
    return self_assessment_submit(
        plan=cast.plan,
        department=cast.department,
        period=period,
        actor=cast.liaison,
        scores={"on_time": {"score": Decimal(28), "justification": "均按时报送", "evidence": evidence}},
    )


def test_replacing_a_self_assessment_file_deletes_the_old_one_from_disk(
    cast, quarter, tmp_path, django_capture_on_commit_callbacks
):
    # given a self-assessment with a file
    with django_capture_on_commit_callbacks(execute=True):
        submit_with(cast, quarter, SimpleUploadedFile("通报.pdf", PDF))
    old = Path(SelfScore.objects.get().evidence.path)
    assert old.is_file() and old.is_relative_to(tmp_path)
    # when it is submitted again with another file
    with django_capture_on_commit_callbacks(execute=True):
        submit_with(cast, quarter, SimpleUploadedFile("照片.png", PNG))
    # then only the new file is on disk
    new = Path(SelfScore.objects.get().evidence.path)
    assert new.read_bytes() == PNG and new.suffix == ".png"
    assert not old.exists()


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("x.pdf", b"<html><body>not a pdf</body></html>", "“x.pdf”不是有效的PDF文件"),
        ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 300, "“setup.pdf”不是有效的PDF文件（内容为EXE）"),
        ("空.pdf", b"", "“空.pdf”是空文件"),
    ],
    ids=["html-named-pdf", "windows-executable", "empty"],
)
def test_a_bad_file_refuses_the_whole_submission(cast, quarter, tmp_path, name, data, words):
    with pytest.raises(ApplicationError, match=words) as info:
        submit_with(cast, quarter, SimpleUploadedFile(name, data))
    assert info.value.field == "evidence-on_time"
    assert not SelfAssessment.objects.exists()
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_a_file_over_twenty_megabytes_is_refused_before_it_is_read(cast, quarter):
    class Unreadable(SimpleUploadedFile):
        def read(self, *args):
            raise AssertionError("read before the size was checked")

    huge = Unreadable("大.pdf", PDF)
    huge.size = 20 * 1024 * 1024 + 1  # as Django reports a file it streamed to disk

    with pytest.raises(ApplicationError, match="文件超过20MB"):
        submit_with(cast, quarter, huge)


def test_the_page_shows_why_a_file_was_refused(client, cast, quarter):
    client.force_login(cast.liaison)
    url = reverse("assessment:self_assessment", args=[cast.plan.pk]) + "?kind=quarter&year=2026&number=1"
    response = client.post(
        url,
        {"score-on_time": "28", "evidence-on_time": SimpleUploadedFile("x.pdf", b"<html></html>")},
        follow=True,
    )
    assert "“x.pdf”不是有效的PDF文件" in response.content.decode()
    assert not SelfAssessment.objects.exists()
