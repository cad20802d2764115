from django import template

from qualitycity.formats import decimal_text as fmt

register = template.Library()


@register.filter(name="fmt")
def fmt_filter(value):
    """A decimal as printed in a plan (93, 0.3), never in exponent form (1E+3)."""
    return fmt(value)


@register.simple_tag
def readings_before(targets_by_indicator, period):
    """Each target's reading as the months before the period left it (the last value and its
    status), by target id: what a liaison sees next to this month's figure. One call for the
    report's targets, in a number of queries that does not grow with them."""
    import datetime as dt

    from targets.status import target_readings

    targets = [t for targets in targets_by_indicator.values() for t in targets]
    if not targets or period is None:
        return {}
    return target_readings(targets, as_of=period.start - dt.timedelta(days=1))
