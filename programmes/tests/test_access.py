"""Plans and departments: the city sees them, the office of the city changes its plans."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from programmes.access import department_get_for_user, plan_get_for_office, plan_get_for_user


def test_the_office_gets_its_citys_plan_to_change(cast):
    assert plan_get_for_office(user=cast.office, pk=cast.plan.pk) == cast.plan


def test_a_leader_sees_the_plan_but_may_not_change_it(cast):
    assert plan_get_for_user(user=cast.leader, pk=cast.plan.pk) == cast.plan
    with pytest.raises(PermissionDenied):
        plan_get_for_office(user=cast.leader, pk=cast.plan.pk)


def test_another_citys_office_finds_no_plan_and_no_department(cast):
    with pytest.raises(Http404):
        plan_get_for_office(user=cast.outsider_office, pk=cast.plan.pk)
    with pytest.raises(Http404):
        department_get_for_user(user=cast.outsider_office, pk=cast.department.pk)
