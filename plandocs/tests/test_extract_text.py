"""Plain-text plans end to end: outline, chrome, departments, appendix tables, API shape."""

import json
from pathlib import Path

from plandocs.readers import extract
from plandocs.readers.text import extract_text

ROOT = Path(__file__).resolve().parents[2]

COUNTY_PLAN = """首页 > 政务公开 > 通知公告
某县2023年质量强县工作要点
发布时间：2023-03-01 访问量：128
某县人民政府办公室关于印发《某县2023年质量强县工作要点》的通知
某政办发〔2023〕12号
各乡镇人民政府，县直各单位：
现将《某县2023年质量强县工作要点》印发给你们，请认真贯彻执行。
某县人民政府办公室
2023年3月1日
某县2023年质量强县工作要点
为深入实施质量强县战略，制定本要点。
一、工作目标
到2023年底，规模以上工业企业产品质量监督抽查合格率保持在95%以上，食品安全评价性抽检合格率不低于98%，\
全县重大质量安全事故发生数为零。
二、重点工作
（一）夯实质量基础
1.加强标准化建设。主导或参与制修订标准3项以上，创建省级标准化试点1个。（牵头单位：县市场监管局；配合单位：县工信局、县农业农村局）
2.提升计量能力。新建社会公用计量标准2项。
责任单位：县市场监管局
（二）提升服务质量
3.优化营商环境。企业开办时间压缩至1个工作日以内。（县行政审批局牵头，各乡镇配合）
4.打造旅游品牌。游客满意度达到85%，力争达到90%。（县文旅局负责）
附件：重点任务分解表
序号\t工作任务\t牵头单位\t配合单位\t完成时限
1\t培育质量标杆企业5家\t县市场监管局\t县工信局\t2023年12月
2\t新增绿色食品认证10个\t县农业农村局\t\t2023年10月
扫一扫在手机打开当前页
"""


def test_county_plan_outline_and_title():
    r = extract(COUNTY_PLAN.encode("utf-8"), filename="要点.txt")
    assert r.title == "某县2023年质量强县工作要点"
    assert [t.path for t in r.tasks] == [
        ["一"],
        ["二", "(一)", "1"],
        ["二", "(一)", "2"],
        ["二", "(二)", "3"],
        ["二", "(二)", "4"],
        ["附件", "1"],
        ["附件", "2"],
    ]


def test_county_plan_departments():
    r = extract(COUNTY_PLAN.encode("utf-8"), filename="要点.txt")
    by = {tuple(t.path): t for t in r.tasks}
    assert by[("二", "(一)", "1")].lead == ["县市场监管局"]
    assert by[("二", "(一)", "1")].participating == ["县工信局", "县农业农村局"]
    assert by[("二", "(一)", "2")].lead == ["县市场监管局"]
    assert by[("二", "(二)", "3")].lead == ["县行政审批局"]
    assert by[("二", "(二)", "3")].participating == ["各乡镇"]
    assert by[("附件", "1")].lead == ["县市场监管局"] and by[("附件", "1")].participating == ["县工信局"]
    assert by[("附件", "2")].due == "2023年10月"


def test_county_plan_targets():
    r = extract(COUNTY_PLAN.encode("utf-8"), filename="要点.txt")
    got = [(tuple(g.task_path), g.comparator, g.value, g.unit, g.stretch) for g in r.targets]
    assert (("一",), ">=", 95, "%", None) in got
    assert (("一",), ">=", 98, "%", None) in got
    assert (("一",), "=", 0, None, None) in got
    assert (("二", "(一)", "1"), ">=", 3, "项", None) in got
    assert (("二", "(二)", "3"), "<=", 1, "个工作日", None) in got
    assert (("二", "(二)", "4"), ">=", 85, "%", 90) in got
    assert (("附件", "1"), ">=", 5, "家", None) in got
    assert (("附件", "2"), ">=", 10, "个", None) in got
    assert not any(g.value in (2023, 12, 128) for g in r.targets)


def test_county_plan_task_text_and_title():
    r = extract(COUNTY_PLAN.encode("utf-8"), filename="要点.txt")
    t = r.tasks[1]
    assert t.title == "加强标准化建设"
    assert t.text.startswith("加强标准化建设。主导或参与") and "牵头单位" not in t.text
    assert "扫一扫" not in r.tasks[-1].text


def test_warnings_are_structured():
    r = extract(COUNTY_PLAN.encode("utf-8"), filename="要点.txt")
    assert r.warnings
    for w in r.warnings:
        assert set(w) == {"path", "line", "message"}
    assert any(
        "力争" not in w["message"] and "没有责任部门" in w["message"] and w["path"] == ["一"]
        for w in r.warnings
    )


def test_headings_listed_in_order():
    r = extract(COUNTY_PLAN.encode("utf-8"), filename="要点.txt")
    assert [(h["path"], h["number"], h["title"]) for h in r.headings][:4] == [
        (["二"], "二", "重点工作"),
        (["二", "(一)"], "(一)", "夯实质量基础"),
        (["二", "(二)"], "(二)", "提升服务质量"),
        (["附件"], "附件", "重点任务分解表"),
    ]


def test_gb18030_text_is_decoded():
    r = extract(COUNTY_PLAN.encode("gb18030"), filename="要点.txt")
    assert r.title == "某县2023年质量强县工作要点"


def test_str_input_is_accepted():
    r = extract(COUNTY_PLAN, filename="要点.txt")
    assert len(r.tasks) == 7


def test_pipe_table_one_row_per_line():
    text = (
        "某市质量工作任务分解表\n| 序号 | 工作任务 | 责任单位 |\n| 1 | 新增省级质量标杆3家 | 市工信局 |\n"
        "| 2 | 创建国家级示范区1个 | 市市场监管局 |\n"
    )
    r = extract_text(text, "t.txt")
    assert [t.path for t in r.tasks] == [["1"], ["2"]]
    assert [g.value for g in r.targets] == [3, 1]


def test_to_dict_and_schema_are_json():
    r = extract(COUNTY_PLAN.encode("utf-8"), filename="要点.txt")
    d = r.to_dict()
    assert d["tasks"][0]["text"] and "due" in d["tasks"][0]
    assert json.loads(json.dumps(r.to_schema(), ensure_ascii=False))["doc"] == "要点.txt"
