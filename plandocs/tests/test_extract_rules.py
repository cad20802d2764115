"""One small test per reading rule of the plan extractor (numbering, departments, targets)."""

import pytest

from plandocs.readers.departments import parse_departments
from plandocs.readers.targets import extract_targets
from plandocs.readers.text import extract_text


def plan(body: str, title: str = "某市质量提升行动方案"):
    return extract_text(f"{title}\n为推进质量强市建设，制定本方案。\n{body}", "t.txt")


def paths(result):
    return [t.path for t in result.tasks]


def targets(text):
    return extract_targets(text, ["1"])[0]


def one(text):
    found = targets(text)
    assert len(found) == 1, found
    return found[0]


# --- numbering styles -------------------------------------------------------------------------


def test_numbering_chinese_dun():
    r = plan("一、工作目标\n提升质量。\n二、保障措施\n加强领导。")
    assert paths(r) == [["一"], ["二"]]


def test_numbering_paren_chinese_fullwidth_normalised():
    r = plan(
        "一、主要任务\n（一）提升产品质量\n1．抓好监督抽查。（市市场监管局负责）\n（二）提升工程质量。（市住建局负责）"
    )
    assert paths(r) == [["一", "(一)", "1"], ["一", "(二)"]]
    assert r.headings[0] == {"path": ["一"], "number": "一", "title": "主要任务"}


def test_numbering_arabic_dun_and_dot():
    r = plan("一、任务\n1、第一项工作。\n2.第二项工作。")
    assert paths(r) == [["一", "1"], ["一", "2"]]


def test_numbering_paren_arabic_and_circled():
    r = plan(
        "一、任务\n(一)产品\n1.监督抽查\n(1)抽查食品。\n(2)抽查工业品。\n2.品牌建设\n①培育品牌。\n②宣传品牌。"
    )
    assert paths(r) == [
        ["一", "(一)", "1", "(1)"],
        ["一", "(一)", "1", "(2)"],
        ["一", "(一)", "2", "①"],
        ["一", "(一)", "2", "②"],
    ]


def test_heading_with_children_is_not_a_task_leaf_without_children_is():
    r = plan("一、工作目标\n全面提升质量。\n二、任务分工\n(一)提升产品质量\n1、抓抽查。")
    assert paths(r) == [["一"], ["二", "(一)", "1"]]


def test_dash_bullets_with_departments_become_tasks():
    r = plan("一、任务\n(一)标准化\n——开展标准化试点。（市市场监管局负责）\n——推广团体标准。（市工信局负责）")
    assert paths(r) == [["一", "(一)", "——1"], ["一", "(一)", "——2"]]
    assert r.tasks[1].lead == ["市工信局"]


def test_decimal_at_line_start_is_not_a_number():
    r = plan("一、目标\n1.5万家企业参与质量提升。")
    assert paths(r) == [["一"]]


def test_continuous_numbering_across_headings():
    r = plan("一、总体要求\n1.指导思想。以质量为本。\n二、主要任务\n2.提升农产品质量。")
    assert paths(r) == [["一", "1"], ["二", "2"]]
    assert r.tasks[0].title == "指导思想"


# --- page chrome ------------------------------------------------------------------------------


def test_page_chrome_is_ignored():
    text = (
        "当前位置 : 首页 > 政府信息公开 > 文件\n2022-06-02\n某府办〔2022〕64号\n"
        "关于印发《某县质量强县工作要点》的通知\n时间:2022-06-06 16:06访问量:\n"
        "某县质量强县工作要点\n一、加强领导。（县市场监管局负责）\n"
        "上一篇:某某 下一篇:某某\n扫一扫在手机打开当前页\n1.这里不是任务"
    )
    r = extract_text(text, "t.txt")
    assert r.title == "某县质量强县工作要点"
    assert paths(r) == [["一"]]


def test_title_from_notice_when_no_plain_title():
    r = extract_text("关于印发《某市质量提升行动计划》的通知\n一、提升质量。", "t.txt")
    assert r.title == "某市质量提升行动计划"


# --- departments ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bracket,lead,part",
    [
        ("（市质监局负责）", ["市质监局"], []),
        ("（市质监局、市工商局负责）", ["市质监局", "市工商局"], []),
        ("（责任部门：市市场监管局、住建局，各区镇）", ["市市场监管局", "住建局", "各区镇"], []),
        ("（责任单位：市发改委）", ["市发改委"], []),
        ("（牵头单位：市商务局）", ["市商务局"], []),
        ("（负责单位：市教育局）", ["市教育局"], []),
        (
            "（牵头部门：市农业农村局；参与部门：市自然资源局、市市场监管局）",
            ["市农业农村局"],
            ["市自然资源局", "市市场监管局"],
        ),
        ("（牵头单位：市财政局 配合单位：市税务局）", ["市财政局"], ["市税务局"]),
        ("（市质强办牵头、各有关单位配合）", ["市质强办"], ["各有关单位"]),
        ("（市政府办、市质监局牵头，各相关单位配合）", ["市政府办", "市质监局"], ["各相关单位"]),
        ("（各县（区）人民政府负责）", ["各县(区)人民政府"], []),
        ("（各县（市、区）人民政府负责）", ["各县(市、区)人民政府"], []),
        ("（牵头部门：市卫健委；协同单位：市医保局）", ["市卫健委"], ["市医保局"]),
    ],
)
def test_department_brackets(bracket, lead, part):
    r = plan(f"一、任务\n1.开展质量提升工作。{bracket}")
    assert r.tasks[0].lead == lead
    assert r.tasks[0].participating == part
    assert r.tasks[0].text == "开展质量提升工作。"


def test_department_label_on_its_own_line():
    r = plan("一、任务\n1.开展质量提升工作。\n责任单位：市市场监管局、市工信局\n完成时限：2022年底")
    assert r.tasks[0].lead == ["市市场监管局", "市工信局"]
    assert r.tasks[0].due == "2022年底"


def test_bracket_that_is_not_departments_is_kept_in_text():
    r = plan("一、任务\n1.建设国家级产业计量测试中心（重点实验室）")
    assert r.tasks[0].lead == []
    assert "重点实验室" in r.tasks[0].text
    assert any("没有责任部门" in w["message"] for w in r.warnings)


def test_parse_departments_colon_typo_between_roles():
    assert parse_departments("牵头部门:市财政局:参与部门:市发改局、市科技局")[:2] == (
        ["市财政局"],
        ["市发改局", "市科技局"],
    )


def test_heading_departments_are_inherited_by_children():
    r = plan("一、任务\n(一)提升产品质量（市市场监管局牵头）\n1.抓抽查。\n2.抓整改。")
    assert [t.lead for t in r.tasks] == [["市市场监管局"], ["市市场监管局"]]


# --- comparators ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,cmp,value",
    [
        ("合格率稳定在93%以上", ">=", 93),
        ("合格率不低于80%", ">=", 80),
        ("收缴非法出版物不少于3万册", ">=", 3),
        ("一致性程度超过95%", ">", 95),
        ("增长率高于全省平均2个百分点", ">", 2),
        ("死亡率控制在0.30以内", "<=", 0.3),
        ("投诉率在5%以下", "<=", 5),
        ("不合格率不高于2%", "<=", 2),
        ("事故率低于0.25", "<", 0.25),
        ("后处理率达100%", "=", 100),
        ("覆盖率保持100%", "=", 100),
        ("满意度达到80以上", ">=", 80),
        ("获奖企业3个及以上", ">=", 3),
        ("办结时间压缩至3个工作日", "<=", 3),
        ("实现1小时到货", "<=", 1),
    ],
)
def test_comparator_phrases(text, cmp, value):
    t = one(text)
    assert (t.comparator, t.value) == (cmp, value)


def test_bare_count_is_a_target():
    t = one("三品认证新增100个")
    assert (t.comparator, t.value, t.unit) == (">=", 100, "个")


def test_stretch_after_firm_value():
    t = one("年度亿元GDP生产安全事故死亡率控制在0.30以内，力争低于0.25。")
    assert (t.comparator, t.value, t.stretch) == ("<=", 0.3, 0.25)


def test_hedged_only_value_is_the_value_with_a_warning():
    found, warns = extract_targets("力争有效期内的名牌产品达到103个。", ["1"])
    assert (found[0].value, found[0].stretch) == (103, None)
    assert warns and "力争" in warns[0]["message"]


def test_approximate_value_warns():
    found, warns = extract_targets("遴选瞪羚企业35家左右。", ["1"])
    assert found[0].value == 35 and found[0].comparator == ">="
    assert "左右" in warns[0]["message"]


@pytest.mark.parametrize(
    "text,lo,hi",
    [
        ("新增示范项目2-3个", 2, 3),
        ("培育1~2个文旅融合项目", 1, 2),
        ("培育1～2个文旅融合项目", 1, 2),
        ("建成3至5家服务平台", 3, 5),
    ],
)
def test_ranges(text, lo, hi):
    t = one(text)
    assert (t.comparator, t.value, t.value_max) == ("range", lo, hi)


# --- units ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,value,unit",
    [
        ("收缴非法出版物不少于3万册（盘、张）", 3, "万册"),
        ("新增绿地10.9万平方米", 10.9, "万平方米"),
        ("累计完成投资420亿元以上", 420, "亿元"),
        ("全员劳动生产率超过66万元/人", 66, "万元/人"),
        ("食品安全抽检量保持7批次/千人以上", 7, "批次/千人"),
        ("合格率达到96.8%以上", 96.8, "%"),
        ("满意度指数达到80.40分以上", 80.4, "分"),
        ("培育省级工业设计中心 3 个", 3, "个"),
        ("新建2项（个）以上社会公用计量标准", 2, "项"),
        ("生产性服务业顾客满意度超过85", 85, None),
    ],
)
def test_units(text, value, unit):
    t = one(text)
    assert (t.value, t.unit) == (value, unit)


def test_percentage_before_the_indicator():
    t = one("70%以上政务服务事项实现“一窗”分类受理")
    assert (t.value, t.unit, t.comparator) == (70, "%", ">=")


# --- trends, ranks, zero ----------------------------------------------------------------------


def test_increase_without_value():
    found = targets(
        "实现研究与试验发展经费支出占GDP的比重、高新技术产业产值占规模以上工业产值的比重逐年增长。"
    )
    assert [t.comparator for t in found] == ["increase", "increase"]
    assert found[1].indicator == "高新技术产业产值占规模以上工业产值的比重"
    assert found[0].value is None


def test_decrease_without_value():
    t = one("特种设备事故起数持续下降")
    assert (t.comparator, t.value, t.unit) == ("decrease", None, None)


def test_vague_quality_improvement_is_not_a_target():
    assert targets("产品、工程、服务和环境质量稳步提升。开展质量提升行动。") == []


def test_rank_top_three():
    t = one("全省质量工作考核进入前三")
    assert (t.comparator, t.value, t.unit) == ("<=", 3, "名次")


def test_zero():
    t = one("重大质量安全事故发生数为零")
    assert (t.comparator, t.value) == ("=", 0)


# --- several targets, shared text -------------------------------------------------------------


def test_two_targets_in_one_sentence():
    found = targets("新申请国内注册商标2500件，国际注册商标4件。")
    assert [(t.indicator, t.value, t.unit) for t in found] == [
        ("新申请国内注册商标", 2500, "件"),
        ("国际注册商标", 4, "件"),
    ]


def test_targets_split_on_dun_between_quantities():
    found = targets("升级建设16家县级公立医院、7家中心卫生院、5个县(市)急救服务体系")
    assert [(t.value, t.unit) for t in found] == [(16, "家"), (7, "家"), (5, "个")]


def test_shared_value_for_listed_indicators():
    found = targets("工程质量监督覆盖率、工程竣工验收备案率以及备案工程合格率均达100%。")
    assert [t.indicator for t in found] == ["工程质量监督覆盖率", "工程竣工验收备案率", "备案工程合格率"]
    assert all(t.value == 100 and t.unit == "%" for t in found)


def test_shared_text_short_subjects():
    found = targets("地表水、饮用水水源地水质达标率100%")
    assert len(found) == 2
    assert all(t.value == 100 for t in found)


def test_list_of_things_counted_together_is_one_target():
    found = targets("新增主导和参与制修订国家标准、行业标准、地方标准50项以上")
    assert len(found) == 1 and found[0].value == 50


def test_parenthetical_second_target():
    found = targets("全市新增或改造绿地10.9万平方米（口袋公园5个）")
    assert [(t.value, t.unit) for t in found] == [(10.9, "万平方米"), (5, "个")]


# --- numbers that are not targets -------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "到2025年，全面完成各项任务",
        "畅通“12365”质量投诉信息平台",
        "推进12345市民服务热线标准化建设",
        "形成城市社区“6+X”和农村社区“8+X”的功能设置",
        "深入实施“515工程”",
        "实施515工程",
        "打造城市社区15分钟服务圈和农村社区3公里服务圈",
        "加快推进湛江港40万吨级航道建设",
        "推行ISO 10012测量管理体系认证",
        "参与510中国品牌日、长三角G60科创走廊活动",
        "贯彻《质量发展纲要2016年行动计划》",
        "报送邮箱：abc@163.com",
        "已经市政府第7次常务会议讨论通过",
        "打造“10分钟文化圈”2.0版",
    ],
)
def test_non_targets(text):
    assert targets(text) == []
