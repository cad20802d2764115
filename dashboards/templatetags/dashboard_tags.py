from django import template

from qualitycity.formats import decimal_text as fmt

register = template.Library()


@register.filter(name="fmt")
def fmt_filter(value):
    """A decimal as printed in a plan (93, 0.3), never in exponent form (1E+3)."""
    return fmt(value)
