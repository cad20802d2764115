"""A printed department name resolves to one department, never a silent duplicate."""

import pytest
from django.db import IntegrityError

from responsibilities.models import DepartmentAlias
from responsibilities.selectors import department_resolve, user_scope
from responsibilities.services import UnknownDepartment, departments_ensure, departments_resolve_all
from tests.factories import DepartmentFactory, JurisdictionFactory


@pytest.fixture
def taicang(db):
    jurisdiction = JurisdictionFactory(name="太仓市", level="county")
    departments_ensure(
        jurisdiction=jurisdiction,
        entries=[
            {"name": "市市场监管局", "aliases": [{"name": "市市场监督管理局", "note": "全称"}]},
            {"name": "市住建局"},
            {"name": "市质量强市领导小组办公室", "aliases": [{"name": "市质强办", "note": "简称"}]},
            {"name": "各成员单位", "kind": "collective", "members": "all_units"},
        ],
    )
    return jurisdiction


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("市市场监管局", "市市场监管局"),
        ("市场监管局", "市市场监管局"),  # printed without the 市 of its jurisdiction
        ("市市场监督管理局", "市市场监管局"),  # full name as an alias
        ("住建局", "市住建局"),
        ("市质强办", "市质量强市领导小组办公室"),
        (" 市住建局 ", "市住建局"),  # stray spaces from a pasted page
        ("各成员单位", "各成员单位"),
    ],
)
def test_printed_name_resolves_to_the_department(taicang, printed, expected):
    assert department_resolve(jurisdiction=taicang, name=printed).name == expected


def test_width_and_bracket_variants_resolve_alike(db):
    city = JurisdictionFactory(name="淮安市")
    DepartmentFactory(jurisdiction=city, name="各县(区)人民政府", kind="collective")
    assert department_resolve(jurisdiction=city, name="各县（区）人民政府").name == "各县(区)人民政府"


def test_unknown_name_is_refused_with_its_name(taicang):
    with pytest.raises(UnknownDepartment) as excinfo:
        departments_resolve_all(jurisdiction=taicang, names=["市住建局", "市海洋局"])
    assert "市海洋局" in str(excinfo.value)


def test_a_name_in_another_jurisdiction_does_not_resolve(taicang):
    other = JurisdictionFactory(name="湛江市")
    DepartmentFactory(jurisdiction=other, name="市海洋局")
    assert department_resolve(jurisdiction=taicang, name="市海洋局") is None


def test_one_alias_cannot_point_at_two_departments_of_a_jurisdiction(taicang):
    housing = taicang.departments.get(name="市住建局")
    with pytest.raises(IntegrityError):
        DepartmentAlias.objects.create(department=housing, name="市质强办")


def test_collective_all_units_holds_every_unit_but_itself(taicang):
    members = set(taicang.departments.get(name="各成员单位").members.values_list("name", flat=True))
    assert members == {"市市场监管局", "市住建局", "市质量强市领导小组办公室"}


def test_ensuring_departments_twice_adds_nothing(taicang):
    before = (taicang.departments.count(), DepartmentAlias.objects.count())
    departments_ensure(jurisdiction=taicang, entries=[{"name": "市市场监管局"}, {"name": "市住建局"}])
    assert (taicang.departments.count(), DepartmentAlias.objects.count()) == before


def test_scope_of_a_liaison_is_its_department_within_its_jurisdiction(cast):
    scope = user_scope(cast.liaison)
    assert scope.jurisdiction_ids == {cast.jurisdiction.pk}
    assert scope.department_ids == {cast.department.pk}
    assert scope.office_jurisdiction_ids == frozenset()
    assert user_scope(cast.office).office_jurisdiction_ids == {cast.jurisdiction.pk}
