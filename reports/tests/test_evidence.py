"""Evidence goes through the one upload check: its type by content, and nothing dangerous or
mislabelled is stored. Only a draft takes or drops files; a dropped file leaves the disk."""

import io
import zipfile
from pathlib import Path

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from qualitycity.errors import ApplicationError, Conflict
from reports.evidence import evidence_attach, evidence_delete
from reports.models import DepartmentReport, Evidence
from reports.services import report_save_draft, report_submit

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def entry(cast, period, settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path
    return DepartmentReport.objects.get(period=period, department=cast.department).entries.get()


def word_file() -> bytes:
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    return buffer.getvalue()


def garbage_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("junk.bin", bytes(range(256)) * 8)
    return buffer.getvalue()


def upload(client, entry, name, data):
    return client.post(
        f"/reports/entries/{entry.pk}/evidence/", {"file": SimpleUploadedFile(name, data)}, follow=True
    )


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("x.pdf", b"<html><body><script>alert(1)</script></body></html>", "“x.pdf”不是有效的PDF文件"),
        ("报告.pdf", b"MZ\x90\x00" + b"\x00" * 300, "“报告.pdf”不是有效的PDF文件（内容为EXE）"),
        ("空.pdf", b"", "“空.pdf”是空文件"),
        ("材料.docx", garbage_zip(), "“材料.docx”不是有效的Word（.docx）文件"),
    ],
    ids=["html-named-pdf", "windows-executable", "empty", "zip-of-garbage-named-docx"],
)
def test_a_dangerous_or_mislabelled_file_is_refused_naming_the_task_and_file(
    client, cast, entry, name, data, words
):
    client.force_login(cast.liaison)
    html = upload(client, entry, name, data).content.decode()
    assert f"任务 {entry.task.path_label}：{words}" in html
    assert not Evidence.objects.exists()


def test_a_real_word_file_and_a_real_pdf_are_stored_privately(client, cast, entry, tmp_path):
    client.force_login(cast.liaison)
    upload(client, entry, "总结.docx", word_file())
    upload(client, entry, "记录.pdf", PDF)
    stored = {e.original_name: e for e in Evidence.objects.all()}
    assert stored["总结.docx"].content_type.endswith("wordprocessingml.document")
    assert stored["记录.pdf"].content_type == "application/pdf"
    assert all(Path(e.file.path).is_relative_to(tmp_path) for e in stored.values())


def test_a_file_over_twenty_megabytes_is_refused_before_it_is_read(cast, entry):
    class Unreadable(SimpleUploadedFile):
        def read(self, *args):
            raise AssertionError("read before the size was checked")

    huge = Unreadable("大.pdf", PDF)
    huge.size = 20 * 1024 * 1024 + 1  # as Django reports a file it streamed to disk

    with pytest.raises(ApplicationError, match="文件超过20MB：“大.pdf”有20.0MB"):
        evidence_attach(entry=entry, actor=cast.liaison, upload=huge)


def test_no_file_is_attached_after_submission(cast, entry):
    report = entry.report
    report_save_draft(
        report=report,
        actor=cast.liaison,
        entries={entry.pk: {"progress": "已完成", "version": entry.version}},
        values={},
    )
    report_submit(report=report, actor=cast.liaison)
    # the entry was loaded while the report was a draft: the service reads the status again
    with pytest.raises(Conflict):
        evidence_attach(entry=entry, actor=cast.liaison, upload=SimpleUploadedFile("迟到.pdf", PDF))
    assert not Evidence.objects.exists()


def test_a_removed_file_leaves_the_disk_once_the_removal_commits(
    cast, entry, django_capture_on_commit_callbacks
):
    evidence = evidence_attach(entry=entry, actor=cast.liaison, upload=SimpleUploadedFile("记录.pdf", PDF))
    path = Path(evidence.file.path)
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        evidence_delete(evidence=evidence, actor=cast.liaison)
    assert not path.exists()
    assert not Evidence.objects.exists()
