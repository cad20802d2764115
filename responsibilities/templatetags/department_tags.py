"""Template filters for department pages."""

from django import template

from ..scope import user_scope

register = template.Library()


@register.filter
def is_office_of(user, jurisdiction_id) -> bool:
    """Whether the user is the office of the jurisdiction (their scope is read once a request)."""
    return user_scope(user).is_office_of(jurisdiction_id)
