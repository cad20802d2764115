"""Whether the signed-in user may edit a plan, for the links on pages everyone reads."""

from django import template

from responsibilities.scope import user_scope

register = template.Library()


@register.filter
def editable_by(plan, user) -> bool:
    """The office of the plan's jurisdiction edits it (programmes.access.require_office_of_plan)."""
    return bool(getattr(user, "is_authenticated", False)) and user_scope(user).is_office_of(
        plan.jurisdiction_id
    )
