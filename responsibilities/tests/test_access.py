"""People and the audit trail: the office of a city manages its people; others are refused."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from responsibilities.access import (
    audit_events_for_user,
    membership_get_for_office,
    office_jurisdiction_for_user,
)
from responsibilities.models import AuditEvent, Membership


def test_the_office_manages_its_liaison_and_a_leader_of_the_city_may_not(cast):
    membership = Membership.objects.get(user=cast.liaison)
    assert membership_get_for_office(user=cast.office, pk=membership.pk) == membership
    with pytest.raises(PermissionDenied):
        membership_get_for_office(user=cast.leader, pk=membership.pk)
    with pytest.raises(Http404):
        membership_get_for_office(user=cast.outsider_office, pk=membership.pk)


def test_an_office_manages_its_own_city_whatever_jurisdiction_is_asked_for(cast):
    assert office_jurisdiction_for_user(user=cast.outsider_office, pk=cast.jurisdiction.pk) == (
        cast.outsider_jurisdiction
    )
    with pytest.raises(PermissionDenied):
        office_jurisdiction_for_user(user=cast.liaison)


def test_the_office_reads_its_citys_audit_trail_and_a_liaison_none(cast):
    # given
    own = AuditEvent.objects.create(action="test", summary="甲", jurisdiction=cast.jurisdiction)
    AuditEvent.objects.create(action="test", summary="乙", jurisdiction=cast.outsider_jurisdiction)
    # then
    assert list(audit_events_for_user(user=cast.office).filter(action="test")) == [own]
    with pytest.raises(PermissionDenied):
        audit_events_for_user(user=cast.liaison)
