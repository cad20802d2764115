"""Hostile workbooks: a sparse sheet declaring millions of cells, malformed XML, entities and
workbooks beyond the limits are answered with a Chinese ImportFailed, quickly and bounded."""

import io
import zipfile

import pytest

from plandocs.readers import ImportFailed, extract
from plandocs.readers.xlsx import MAX_CELLS, ReadStats, extract_xlsx, read_workbook

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _sheet(rows_xml: str, dimension: str = "A1", prolog: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet {NS}>'
        f'<dimension ref="{dimension}"/><sheetData>{rows_xml}</sheetData></worksheet>'
    )


def _book(sheet_xml: str, workbook_xml: str = WORKBOOK) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", workbook_xml)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return buf.getvalue()


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def test_sparse_workbook_declaring_ten_million_cells_visits_two():
    # given a small .xlsx whose only cells are A1 and SM20000 (dimension A1:SM20000)
    data = _book(
        _sheet(
            f'<row r="1">{_inline("A1", "甲")}</row><row r="20000">{_inline("SM20000", "乙")}</row>',
            dimension="A1:SM20000",
        )
    )
    assert len(data) < 2000

    # when it is read
    stats = ReadStats()
    with pytest.raises(ImportFailed) as exc:
        extract_xlsx(data, "稀疏.xlsx", stats)

    # then it is refused as having no decomposition table, after visiting the two stored cells only
    assert "没有找到任务分解表" in exc.value.message
    assert stats.cells == 2
    grid = read_workbook(data, "稀疏.xlsx")[0]
    assert grid.rows == [["甲", ""], ["", "乙"]] and grid.row_numbers == [1, 20000]


def test_sparse_table_keeps_printed_row_numbers():
    # given a table whose rows sit far apart, with a task row at row 9000
    rows = (
        f'<row r="1">{_inline("A1", "序号")}{_inline("B1", "工作任务")}{_inline("C1", "牵头部门")}</row>'
        f'<row r="9000">{_inline("A9000", "1")}{_inline("B9000", "强化监督抽查")}</row>'
    )

    # when it is read through the dispatcher
    back = extract(_book(_sheet(rows, "A1:C9000")), filename="表.xlsx")

    # then the task is read, and its warning names row 9000
    assert [t.title for t in back.tasks] == ["强化监督抽查"]
    assert back.tasks[0].line == 9000
    assert any("9000" in w["message"] for w in back.warnings)


def test_too_many_cells_is_refused_without_reading_past_the_limit():
    # given a sheet storing more cells than the limit
    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, MAX_CELLS + 10))

    # when it is read
    stats = ReadStats()
    with pytest.raises(ImportFailed) as exc:
        extract_xlsx(_book(_sheet(rows)), "大.xlsx", stats)

    # then it is refused as too large, having stopped at the limit
    assert "过大" in exc.value.message and "大.xlsx" in exc.value.message
    assert stats.cells == MAX_CELLS + 1


def test_too_many_used_columns_is_refused():
    # given one row holding 100 used columns
    from openpyxl.utils import get_column_letter

    cells = "".join(f'<c r="{get_column_letter(j)}1"><v>{j}</v></c>' for j in range(1, 101))

    # when it is read, then it is refused naming the column limit
    with pytest.raises(ImportFailed) as exc:
        extract(_book(_sheet(f'<row r="1">{cells}</row>')), filename="宽.xlsx")
    assert "列" in exc.value.message


@pytest.mark.parametrize(
    "sheet_xml, workbook_xml",
    [
        (_sheet('<row r="1"><c r="A1"><v>1</v></row>'), WORKBOOK),  # unclosed <c>
        (_sheet(""), "<workbook><sheets>"),  # truncated workbook.xml
        (_sheet(""), "not xml at all"),
    ],
    ids=["sheet", "workbook-truncated", "workbook-garbage"],
)
def test_malformed_xml_is_a_chinese_import_failure(sheet_xml, workbook_xml):
    # when a workbook with malformed XML is read, then it fails with a message naming the file
    with pytest.raises(ImportFailed) as exc:
        extract(_book(sheet_xml, workbook_xml), filename="坏.xlsx")
    assert "坏.xlsx" in exc.value.message and "损坏" in exc.value.message


def test_entities_are_refused():
    # given a sheet declaring entities (billion laughs)
    prolog = (
        '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    )
    sheet = _sheet(f'<row r="1">{_inline("A1", "&lol3;")}</row>', prolog=prolog)

    # when it is read, then it is refused as disallowed XML
    with pytest.raises(ImportFailed) as exc:
        extract(_book(sheet), filename="实体.xlsx")
    assert "实体.xlsx" in exc.value.message and "XML" in exc.value.message


def test_shared_strings_dates_and_merged_title_read_as_openpyxl_wrote_them():
    # given a workbook written by openpyxl with a merged title, shared strings, numbers and a date
    import datetime as dt

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["某某工作任务分解表"])
    ws.merge_cells("A1:D1")
    ws.append(["序号", "工作任务", "牵头部门", "完成时限"])
    ws.append([1.0, "强化监督抽查", "市市场监管局", dt.datetime(2022, 12, 31)])
    buf = io.BytesIO()
    wb.save(buf)

    # when it is read
    grid = read_workbook(buf.getvalue(), "表.xlsx")[0]

    # then the merged title fills its row, 1.0 prints as 1 and the date as openpyxl prints it
    assert grid.rows[0] == ["某某工作任务分解表"] * 4
    assert grid.rows[2] == ["1", "强化监督抽查", "市市场监管局", "2022-12-31 00:00:00"]
