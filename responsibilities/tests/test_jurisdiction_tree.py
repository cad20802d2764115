"""The jurisdiction tree: names unique among siblings, never below itself, full names that
follow the ancestors', departments that stand for subordinate governments, and oversight that
reaches down, read-only, and never up or sideways."""

import pytest
from django.db import IntegrityError, transaction

from qualitycity.errors import ApplicationError
from responsibilities.jurisdictions import department_represents_validate, jurisdiction_save
from responsibilities.models import Department, Jurisdiction
from responsibilities.scope import ancestor_ids, descendant_ids, user_scope
from tests.factories import DepartmentFactory, JurisdictionFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    province = JurisdictionFactory(name="江苏省", level="province")
    suzhou = JurisdictionFactory(name="苏州市", parent=province)
    nanjing = JurisdictionFactory(name="南京市", parent=province)
    taicang = JurisdictionFactory(name="太仓市", parent=suzhou, level="county")
    kunshan = JurisdictionFactory(name="昆山市", parent=suzhou, level="county")
    zone = JurisdictionFactory(name="太仓港经济技术开发区", parent=taicang, level="zone")
    return province, suzhou, nanjing, taicang, kunshan, zone


def office_of(jurisdiction, username, role="office_admin"):
    return MembershipFactory(user=UserFactory(username=username), jurisdiction=jurisdiction, role=role).user


def test_names_repeat_across_parents_but_not_among_siblings(tree):
    province, suzhou, nanjing, *_ = tree
    fuzhou = JurisdictionFactory(name="福州市")
    gulou_nanjing = jurisdiction_save(
        jurisdiction=Jurisdiction(name="鼓楼区", parent=nanjing, level="district")
    )
    gulou_fuzhou = jurisdiction_save(
        jurisdiction=Jurisdiction(name="鼓楼区", parent=fuzhou, level="district")
    )
    assert (gulou_nanjing.full_name, gulou_fuzhou.full_name) == ("江苏省南京市鼓楼区", "福州市鼓楼区")

    with pytest.raises(ApplicationError) as refused:
        jurisdiction_save(jurisdiction=Jurisdiction(name=" 鼓楼区 ", parent=nanjing, level="district"))
    assert (
        str(refused.value.message) == "“南京市”下已有名为“鼓楼区”的行政区" and refused.value.field == "name"
    )
    assert Jurisdiction.objects.filter(name="鼓楼区").count() == 2
    # and the database holds the rule even past the service
    with pytest.raises(IntegrityError), transaction.atomic():
        Jurisdiction.objects.create(name="鼓楼区", parent=nanjing)


def test_a_jurisdiction_is_never_placed_below_itself_or_its_descendants(tree):
    province, suzhou, nanjing, taicang, kunshan, zone = tree
    for new_parent in (suzhou, taicang, zone):
        suzhou.refresh_from_db()
        suzhou.parent = new_parent
        with pytest.raises(ApplicationError) as refused:
            jurisdiction_save(jurisdiction=suzhou)
        assert "不能把“苏州市”放在它自己或它的下级行政区" in str(refused.value.message)
        assert refused.value.field == "parent"
    assert Jurisdiction.objects.get(pk=suzhou.pk).parent_id == province.pk


def test_full_names_follow_a_rename_or_a_move_of_an_ancestor(tree):
    province, suzhou, nanjing, taicang, kunshan, zone = tree
    assert zone.full_name == "江苏省苏州市太仓市太仓港经济技术开发区"
    taicang.parent = nanjing
    jurisdiction_save(jurisdiction=taicang)
    zone.refresh_from_db()
    assert zone.full_name == "江苏省南京市太仓市太仓港经济技术开发区"
    province.name = "江苏"
    jurisdiction_save(jurisdiction=province)
    assert set(Jurisdiction.objects.filter(parent=suzhou).values_list("full_name", flat=True)) == {
        "江苏苏州市昆山市"
    }
    zone.refresh_from_db()
    assert zone.full_name == "江苏南京市太仓市太仓港经济技术开发区"


def test_the_tree_reads_down_and_up_in_one_query_each(tree, django_assert_num_queries):
    province, suzhou, nanjing, taicang, kunshan, zone = tree
    with django_assert_num_queries(1):
        assert descendant_ids([suzhou.pk]) == {taicang.pk, kunshan.pk, zone.pk}
    with django_assert_num_queries(1):
        assert ancestor_ids(zone.pk) == [taicang.pk, suzhou.pk, province.pk]


def test_a_department_stands_for_a_direct_child_or_for_every_child_not_both(tree):
    province, suzhou, nanjing, taicang, kunshan, zone = tree
    government = DepartmentFactory(jurisdiction=suzhou, name="太仓市人民政府")
    government.represents = taicang
    department_represents_validate(department=government)
    for wrong in (nanjing, zone, suzhou):
        government.represents = wrong
        with pytest.raises(ApplicationError) as refused:
            department_represents_validate(department=government)
        assert "只能代表“苏州市”的直接下级行政区" in str(refused.value.message)
    government.represents, government.represents_children = taicang, True
    with pytest.raises(ApplicationError):
        department_represents_validate(department=government)


def test_oversight_goes_down_read_only_and_never_up_or_sideways(tree):
    province, suzhou, nanjing, taicang, kunshan, zone = tree
    city = user_scope(office_of(suzhou, "sz-office"))
    assert city.oversees(taicang.pk) and city.oversees(zone.pk) and city.sees_jurisdiction(kunshan.pk)
    assert city.is_office_of(suzhou.pk) and not city.is_office_of(taicang.pk)  # read-only below
    assert not city.oversees(province.pk) and not city.oversees(nanjing.pk)
    county = user_scope(office_of(taicang, "tc-office"))
    assert county.oversees(zone.pk)
    assert not county.sees_jurisdiction(kunshan.pk) and not county.sees_jurisdiction(suzhou.pk)
    leader = user_scope(office_of(province, "js-leader", role="leader"))
    assert leader.oversees(zone.pk) and not leader.is_office_of(province.pk)
    liaison = MembershipFactory(
        user=UserFactory(username="sz-liaison"),
        jurisdiction=suzhou,
        department=DepartmentFactory(jurisdiction=suzhou, name="市市场监管局"),
        role="liaison",
    ).user
    assert not user_scope(liaison).sees_jurisdiction(taicang.pk)  # a department sees no county


def test_a_scope_without_children_costs_no_query_more(tree, django_assert_num_queries):
    province, suzhou, nanjing, taicang, kunshan, zone = tree
    user = office_of(kunshan, "ks-office")
    with django_assert_num_queries(1):  # the roles; nothing below 昆山市
        user_scope(user)
    user = office_of(suzhou, "sz-office")
    with django_assert_num_queries(2):  # the roles, and the jurisdictions below 苏州市
        user_scope(user)


def test_the_admin_refuses_a_jurisdiction_under_its_own_descendant(tree, client):
    province, suzhou, nanjing, taicang, kunshan, zone = tree
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    url = f"/admin/responsibilities/jurisdiction/{suzhou.pk}/change/"
    response = client.post(
        url, {"name": "苏州市", "level": "city", "parent": str(zone.pk), "office_name": ""}
    )
    if response.status_code == 302 and "two-factor" in response["Location"]:
        pytest.skip("the admin asks for a second factor first (tested in test_admin_separation)")
    assert response.status_code == 200
    assert "不能把“苏州市”放在它自己或它的下级行政区" in response.content.decode()
    assert Jurisdiction.objects.get(pk=suzhou.pk).parent_id == province.pk
    response = client.post(
        url, {"name": "昆山市", "level": "city", "parent": str(province.pk), "office_name": ""}
    )
    assert response.status_code == 302  # 昆山市 is a name under 苏州市, not under 江苏省
    assert Department.objects.count() == 0
