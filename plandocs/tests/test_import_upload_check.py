"""A plan file passes the shared upload check (qualitycity.uploads) before the readers see it:
a zip bomb or a mislabelled file is refused with a message naming it, and nothing is saved."""

import io
import zipfile

import docx
import pytest

from plandocs.models import PlanImport
from plandocs.tests.test_import_web import assert_refused, upload

pytestmark = pytest.mark.django_db


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def word_file() -> bytes:
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("一、加强质量监管，开展监督抽查")
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (
            zip_of(
                {
                    "[Content_Types].xml": b"<Types/>",
                    "word/document.xml": b"<w:document/>",
                    "word/media/zeros.bin": b"\x00" * (101 * 1024 * 1024),
                }
            ),
            "炸弹.docx",
            ["“炸弹.docx”解压后过大"],
        ),
        (
            zip_of({"junk.bin": bytes(range(256)) * 8}),
            "方案.docx",
            ["“方案.docx”不是有效的Word（.docx）文件"],
        ),
        (b"<html><body>\xe4\xb8\x80</body></html>", "方案.xlsx", ["“方案.xlsx”不是有效的Excel（.xlsx）文件"]),
        (b"MZ\x90\x00" + b"\x00" * 300, "方案.txt", ["“方案.txt”不是有效的文本（.txt）文件"]),
    ],
    ids=["zip-bomb", "zip-of-garbage-named-docx", "html-named-xlsx", "executable-named-txt"],
)
def test_a_dangerous_or_mislabelled_plan_file_is_refused(client, cast, data, name, words):
    client.force_login(cast.office)
    response = upload(client, cast.jurisdiction, data=data, name=name)
    assert_refused(response, *words)
    assert not PlanImport.objects.exists()


def test_a_real_word_plan_still_becomes_a_draft(client, cast):
    client.force_login(cast.office)
    response = upload(client, cast.jurisdiction, data=word_file(), name="方案.docx")
    assert response.status_code == 302
    assert PlanImport.objects.get().source_name == "方案.docx"


def test_the_plan_kinds_include_pdf_web_pages_and_old_office_files():
    """qualitycity.uploads.PLAN_IMPORT_KINDS, which the upload form checks plan files against."""
    from qualitycity.uploads import PLAN_IMPORT_KINDS

    assert {"txt", "docx", "xlsx", "pdf", "html", "mhtml", "doc", "wps", "et"} <= PLAN_IMPORT_KINDS


def test_a_web_page_upload_becomes_a_draft(client, cast, monkeypatch):
    import plandocs.forms
    from qualitycity.uploads import PLAN_IMPORT_KINDS

    monkeypatch.setattr(plandocs.forms, "PLAN_FILE_KINDS", PLAN_IMPORT_KINDS, raising=False)
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'></head><body><div class='nav'>一、首页</div>"
        "<div id='zoom'><p>某市质量工作方案</p><p>一、加强质量监管，开展监督抽查。(市市场监管局负责)</p></div>"
        "<div class='footer'>版权所有</div></body></html>"
    ).encode()
    client.force_login(cast.office)
    response = upload(client, cast.jurisdiction, data=page, name="方案.html")
    assert response.status_code == 302
    draft = PlanImport.objects.get()
    assert "首页" not in draft.source_text and "加强质量监管" in draft.source_text
