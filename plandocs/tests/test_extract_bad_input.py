"""Every unreadable input raises ImportFailed with a Chinese message that says what and where."""

import io

import docx
import pytest
from openpyxl import Workbook

from plandocs.readers import ImportFailed, extract

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _fails(data, filename, **kw) -> str:
    with pytest.raises(ImportFailed) as info:
        extract(data, filename=filename, **kw)
    message = info.value.message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message
    return message


def _xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_corrupt_docx():
    msg = _fails(b"PK\x03\x04 this is not really a zip", "方案.docx")
    assert "方案.docx" in msg and "损坏" in msg


def test_corrupt_xlsx_named_by_extension():
    msg = _fails(b"garbage bytes that are not a workbook", "表.xlsx")
    assert "表.xlsx" in msg and "损坏" in msg


def test_zip_that_is_not_office():
    buf = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "hello")
    msg = _fails(buf.getvalue(), "a.zip")
    assert "不是" in msg


def test_encrypted_office_file():
    data = OLE2 + b"\x00" * 512 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 64
    msg = _fails(data, "加密.docx")
    assert "加密" in msg and "密码" in msg


def test_old_doc_format():
    msg = _fails(OLE2 + b"\x00" * 1024, "旧方案.doc")
    assert ".doc" in msg and ".docx" in msg


def test_old_xls_format():
    msg = _fails(OLE2 + b"\x00" * 1024, "旧表.xls")
    assert ".xls" in msg and ".xlsx" in msg


def test_empty_file():
    assert "空" in _fails(b"", "a.txt")


def test_whitespace_only_text():
    assert "没有文字" in _fails("   \n\n \u3000\n".encode(), "a.txt")


def test_docx_without_text():
    buf = io.BytesIO()
    docx.Document().save(buf)
    assert "没有文字" in _fails(buf.getvalue(), "空白.docx")


def test_file_over_size_limit_is_checked_first():
    msg = _fails(b"x" * 2048, "大文件.txt", max_bytes=1024)
    assert "过大" in msg and "大文件.txt" in msg


def test_default_size_limit_is_20_mib():
    data = b"PK\x03\x04" + b"\x00" * (20 * 1024 * 1024)
    assert "过大" in _fails(data, "big.docx")


def test_table_without_task_column_names_row_and_found_columns():
    msg = _fails(_xlsx([["某表"], ["序号", "牵头部门", "完成时限"], [1, "市场监管局", "年底"]]), "表.xlsx")
    assert "第2行" in msg and "任务" in msg and "牵头部门" in msg and "完成时限" in msg


def test_xlsx_without_header():
    msg = _fails(_xlsx([["甲", "乙"], ["丙", "丁"]]), "表.xlsx")
    assert "表头" in msg


def test_empty_workbook():
    assert "空" in _fails(_xlsx([]), "空.xlsx")


def test_text_without_numbered_items():
    msg = _fails("某市质量工作通知\n请各单位认真贯彻落实。\n特此通知。".encode(), "通知.txt")
    assert "编号" in msg


def test_binary_garbage_is_not_text():
    assert "无法识别" in _fails(b"\x00\x01\x02\x03binary\x00\x00", "a.bin")


def test_pdf_is_refused():
    assert "PDF" in _fails(b"%PDF-1.7\n...", "a.pdf")


def test_message_attribute_and_str_agree():
    with pytest.raises(ImportFailed) as info:
        extract(b"", filename="a.txt")
    assert str(info.value) == info.value.message
