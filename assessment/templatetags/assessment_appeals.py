"""The appeals part of the assessment page, read for the user viewing it (the page's view
decides whether the user may open the assessment at all)."""

from django import template

from assessment.appeal_selectors import appeal_panel as panel_for

register = template.Library()


@register.simple_tag(takes_context=True)
def appeal_panel(context):
    """{% appeal_panel as panel %}: the window, lines, appeals and versions for this user."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return panel_for(user=user, assessment=context["assessment"], details=context.get("details") or [])


@register.filter
def appeal_line(kind: str) -> str:
    """An appeal's line by name: 按时报送, 加分, 扣分."""
    from assessment.appeals import line_label

    return line_label(kind)
