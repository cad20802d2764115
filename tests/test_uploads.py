"""The one upload check: a file's type comes from its content, and a file that is empty, too
large, a zip bomb, or named as something it is not is refused with a message naming it."""

import io
import zipfile

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from qualitycity.errors import ApplicationError
from qualitycity.uploads import (
    EVIDENCE_KINDS,
    EVIDENCE_MAX_BYTES,
    MAX_MEMBERS,
    PLAN_IMPORT_KINDS,
    upload_check,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
    + b"\x00" * 200
    + b"This program cannot be run in DOS mode"
)
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def word_file() -> bytes:
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("一、加强制造业质量提升")
    document.save(buffer)
    return buffer.getvalue()


def excel_file() -> bytes:
    buffer = io.BytesIO()
    workbook = Workbook()
    workbook.active.append(["序号", "工作任务"])
    workbook.save(buffer)
    return buffer.getvalue()


def zip_of(members: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def check(data: bytes, name: str, *, allowed=EVIDENCE_KINDS, max_bytes=EVIDENCE_MAX_BYTES):
    return upload_check(SimpleUploadedFile(name, data), allowed=allowed, max_bytes=max_bytes)


def refusal(data: bytes, name: str, **kwargs) -> str:
    with pytest.raises(ApplicationError) as info:
        check(data, name, **kwargs)
    return str(info.value)


def test_a_real_pdf_is_taken_as_pdf():
    checked = check(PDF, "检查记录.pdf")
    assert (checked.kind, checked.content_type, checked.size) == ("pdf", "application/pdf", len(PDF))
    assert checked.storage_name == "检查记录.pdf"
    assert checked.file.tell() == 0  # left rewound for whoever stores it


def test_a_real_word_file_is_taken_as_docx():
    checked = check(word_file(), "工作总结.docx")
    assert checked.kind == "docx"
    assert checked.content_type.endswith("wordprocessingml.document")


def test_a_real_excel_file_is_taken_as_xlsx():
    assert check(excel_file(), "台账.xlsx").kind == "xlsx"


def test_a_name_without_extension_gets_the_extension_its_content_proves():
    assert check(PNG, "现场照片").storage_name == "现场照片.png"


def test_html_named_pdf_is_refused_naming_the_file():
    message = refusal(HTML, "x.pdf")
    assert "“x.pdf”不是有效的PDF文件" in message


def test_a_windows_executable_is_refused_whatever_its_name():
    assert "“报告.pdf”不是有效的PDF文件（内容为EXE）" in refusal(EXE, "报告.pdf")
    assert "“报告.exe”的类型（EXE）不被接受" in refusal(EXE, "报告.exe")
    assert "“报告”的类型（EXE）不被接受" in refusal(EXE, "报告")


def test_an_empty_file_is_refused():
    assert refusal(b"", "空白.pdf") == "“空白.pdf”是空文件"


def test_a_file_over_the_limit_is_refused_before_it_is_read():
    class Unreadable(SimpleUploadedFile):
        def read(self, *args):
            raise AssertionError("read before the size was checked")

    with pytest.raises(ApplicationError) as info:
        upload_check(Unreadable("大文件.pdf", PDF + b"0" * 100), allowed=EVIDENCE_KINDS, max_bytes=100)
    assert str(info.value).startswith("文件超过0.1KB：“大文件.pdf”有0.1KB")


def test_a_file_at_the_limit_is_taken():
    assert check(PDF, "正好.pdf", max_bytes=len(PDF)).kind == "pdf"


def test_a_zip_of_garbage_named_docx_is_refused():
    garbage = zip_of({"a.bin": bytes(range(256)) * 4, "b.txt": b"not a document"})
    assert "“材料.docx”不是有效的Word（.docx）文件（内容为普通压缩包）" in refusal(garbage, "材料.docx")


def test_random_bytes_named_docx_are_refused_as_damaged():
    assert "损坏" in refusal(b"\x8a\x13random bytes\x00\xff" * 40, "方案.docx")


def test_a_zip_with_the_parts_of_a_docx_but_a_bad_crc_is_refused():
    parts = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>" * 50}
    data = zip_of(parts, compression=zipfile.ZIP_STORED)
    damaged = data.replace(b"<w:document/><w:document/>", b"<w:document/><w:documenX/>", 1)
    assert "损坏" in refusal(damaged, "材料.docx")


def test_a_zip_bomb_named_docx_is_refused():
    bomb = zip_of(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w:document/>",
            "word/media/zeros.bin": b"\x00" * (101 * 1024 * 1024),
        }
    )
    assert len(bomb) < 1024 * 1024  # a few hundred KB that unpack to 101 MB
    assert "“炸弹.docx”解压后过大（101.0MB）" in refusal(bomb, "炸弹.docx")


def test_a_zip_that_unpacks_to_over_a_hundred_times_its_size_is_refused():
    bomb = zip_of(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w:document/>",
            "word/media/zeros.bin": b"\x00" * (5 * 1024 * 1024),
        }
    )
    assert "解压后过大" in refusal(bomb, "材料.docx")


def test_a_zip_with_too_many_members_is_refused():
    members = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}
    members.update({f"word/media/{i}.bin": b"" for i in range(MAX_MEMBERS)})
    data = zip_of(members, compression=zipfile.ZIP_STORED)
    assert f"内含{MAX_MEMBERS + 2}个文件" in refusal(data, "材料.docx")


def test_an_excel_file_named_docx_is_refused():
    assert "“表.docx”不是有效的Word（.docx）文件（内容为Excel（.xlsx））" in refusal(excel_file(), "表.docx")


def test_a_password_protected_office_file_is_refused_with_the_reason():
    data = OLE + b"\x00" * 512 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 64
    assert "“加密.docx”已加密" in refusal(data, "加密.docx")


def test_an_old_word_file_is_refused_with_the_format_to_save_it_as():
    data = OLE + b"\x00" * 512 + "WordDocument".encode("utf-16-le") + b"\x00" * 64
    assert refusal(data, "旧版.doc").startswith("“旧版.doc”是旧版 Word（.doc）格式，请另存为 .docx")


def test_plain_text_is_taken_only_where_text_is_allowed():
    text = "一、加强质量监管\n（一）开展抽查".encode()
    assert check(text, "方案.txt", allowed={"docx", "xlsx", "txt"}).kind == "txt"
    assert "不被接受" in refusal(text, "方案.txt")


def test_a_chinese_name_with_dots_is_not_read_as_an_extension():
    assert check(PDF, "2026.5版方案").storage_name == "2026.5版方案.pdf"


# ---- plan imports: PDF, web pages, and the old Word/WPS/Excel formats (issue 13) ----------------

WORD97 = OLE + b"\x00" * 504 + "WordDocument".encode("utf-16-le") + b"\x00" * 64
EXCEL97 = OLE + b"\x00" * 504 + "Workbook".encode("utf-16-le") + b"\x00" * 64
MHTML = b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b"\r\n\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>x</p>\r\n--b--\r\n'


@pytest.mark.parametrize(
    ("data", "name", "kind"),
    [
        (PDF, "方案.pdf", "pdf"),
        (HTML, "方案.html", "html"),
        ("\ufeff  <html><body><p>一、</p></body></html>".encode(), "方案.htm", "html"),
        (MHTML, "方案.mhtml", "mhtml"),
        (WORD97, "方案.doc", "doc"),
        (WORD97, "方案.wps", "wps"),
        (EXCEL97, "分解表.et", "et"),
        (HTML, "粘贴.txt", "txt"),
    ],
)
def test_plan_imports_take_pdf_web_pages_and_old_office_files(data, name, kind):
    checked = check(data, name, allowed=PLAN_IMPORT_KINDS)
    assert checked.kind == kind
    assert checked.storage_name.endswith("." + name.rsplit(".", 1)[1])


def test_a_web_page_named_docx_is_refused_as_a_web_page():
    message = refusal(HTML, "方案.docx", allowed=PLAN_IMPORT_KINDS)
    assert "“方案.docx”不是有效的Word（.docx）文件（内容为网页（.html））" in message


def test_evidence_still_refuses_wps_asking_for_docx():
    assert "请另存为 .docx 后再上传" in refusal(WORD97, "总结.wps")
    assert "请另存为 .xlsx 后再上传" in refusal(EXCEL97, "台账.et")
