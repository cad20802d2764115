"""—— bullets, Chinese-numeral counts, and prose that is no target."""

import pytest

from plandocs.readers import extract
from plandocs.readers.targets import extract_targets


def _read(text: str):
    return extract(text.encode("utf-8"), filename="要点.txt")


def test_dash_bullets_are_tasks_only_with_their_own_departments():
    # given an item whose bullets carry departments in a bracket, inline labels, or none at all
    r = _read(
        "某市质量工作要点\n二、重点任务\n(三)提升服务质量\n"
        "——推进服务业标准化建设(2022年底前完成)。\n"
        "——开展服务质量监测,全市服务质量满意度达到80分以上。(市市场监管局负责)\n"
        "——加强品牌建设。牵头单位:市商务局;责任单位:市文旅局\n"
        "——开展“质量月”活动(国家级)。\n"
        "(四)加强质量基础\n——推进计量工作(每年)。\n——完善标准体系。\n牵头单位:市质监局\n"
    )

    # then only the two bullets with departments are tasks, numbered ——1, ——2
    tasks = [(t.path, t.title, t.lead) for t in r.tasks]
    assert tasks == [
        (["二", "(三)", "——1"], "开展服务质量监测", ["市市场监管局"]),
        (["二", "(三)", "——2"], "加强品牌建设", ["市商务局", "市文旅局"]),
        (["二", "(四)"], "加强质量基础", ["市质监局"]),
    ]
    # and (四)'s bullets without departments are part of its text
    assert "推进计量工作" in r.tasks[2].text and "完善标准体系" in r.tasks[2].text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("新增二十家质量标杆企业。", [(20, None, "家")]),
        ("培育三个以上示范区。", [(3, None, "个")]),
        ("完成十项标准制定。", [(10, None, "项")]),
        ("开展春秋季两轮全覆盖检查。", [(2, None, "轮")]),
        ("建成一百二十个服务站点。", [(120, None, "个")]),
        ("力争培育三到五个高质量文旅项目。", [(3, 5, "个")]),
    ],
)
def test_chinese_numeral_counts_are_values(text, expected):
    targets, _ = extract_targets(text, ["1"])
    assert [(t.value, t.value_max, t.unit) for t in targets] == expected


@pytest.mark.parametrize(
    "text",
    [
        "全市共有规上企业1200家,其中高新技术企业300家。",
        "目前已有省级质量奖企业5家。",
        "市场监管局对10个乡镇开展质量安全检查。",
        "依托12家检验检测机构开展公共服务。",
        "开展质量提升行动,覆盖全市8个区县。",
        "积极谋划广湛、合湛、湛海、张海四条高铁的前期工作。",
        "落实十部委“百城千业万企对标达标提升专项行动”。",
        "贯彻“十四五”规划,推进三个一律。",
        "建设一批质量强县,打造一个平台。",
        "健全质量工作机制,推动各部门形成工作合力。",
        "根据《质量发展纲要2016年行动计划》,制定本方案。",
    ],
)
def test_prose_is_not_a_target(text):
    targets, _ = extract_targets(text, ["1"])
    assert targets == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("升级建设16家县级公立医院。", (16, "家")),
        ("新辟优化公交线路15条。", (15, "条")),
        ("诊断服务200家企业。", (200, "家")),
        ("获得省政府质量奖企业2家。", (2, "家")),
        ("市、县集中式饮用水水源水质100%达标。", (100, "%")),
        ("到2025年,全市制造业产品质量合格率达到95%以上。", (95, "%")),
        ("每万人发明专利拥有量超过2件。", (2, "件")),
    ],
)
def test_real_targets_stay(text, expected):
    targets, _ = extract_targets(text, ["1"])
    assert [(t.value, t.unit) for t in targets] == [expected]
