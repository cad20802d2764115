"""Indicators and targets are seen by the city whose plans name them, and by no other."""

import pytest
from django.http import Http404

from targets.access import indicator_get_for_user, target_get_for_user
from tests.factories import IndicatorFactory, TargetFactory


def test_an_indicator_and_its_target_are_seen_in_their_city_only(cast):
    # given
    indicator = IndicatorFactory(jurisdiction=cast.jurisdiction, name="制造业监督抽查合格率", unit="%")
    target = TargetFactory(task=cast.task, indicator=indicator)
    # then
    assert indicator_get_for_user(user=cast.liaison, pk=indicator.pk) == indicator
    assert target_get_for_user(user=cast.leader, pk=target.pk) == target
    with pytest.raises(Http404):
        indicator_get_for_user(user=cast.outsider_office, pk=indicator.pk)
    with pytest.raises(Http404):
        target_get_for_user(user=cast.outsider_office, pk=target.pk)
