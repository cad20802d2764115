import pytest
from django.db import IntegrityError

from responsibilities.models import Membership
from tests.factories import DepartmentFactory, JurisdictionFactory, UserFactory


def test_a_liaison_must_belong_to_a_department(db):
    with pytest.raises(IntegrityError):
        Membership.objects.create(user=UserFactory(), jurisdiction=JurisdictionFactory(), role="liaison")


def test_an_office_role_is_not_tied_to_a_department(db):
    department = DepartmentFactory()
    with pytest.raises(IntegrityError):
        Membership.objects.create(
            user=UserFactory(),
            jurisdiction=department.jurisdiction,
            department=department,
            role="office_admin",
        )


def test_two_departments_of_one_jurisdiction_cannot_share_a_name(db):
    first = DepartmentFactory(name="市商务局")
    with pytest.raises(IntegrityError):
        DepartmentFactory(jurisdiction=first.jurisdiction, name="市商务局")
