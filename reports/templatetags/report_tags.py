from decimal import Decimal

from django import template

from qualitycity.formats import decimal_text

register = template.Library()


@register.filter
def posted(posted: dict, key: str) -> dict:
    """The values a person posted for one entry or value (kept when a save was refused)."""
    return posted.get(key, {}) if posted else {}


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def field_value(posted_row: dict, name: str, current):
    """What a field shows: the person's posted text when a save was refused, else the saved text."""
    if posted_row and name in posted_row:
        return posted_row[name]
    if isinstance(current, Decimal):
        return decimal_text(current)  # 95.2, not the stored 95.2000
    return "" if current is None else current


@register.filter
def number(value) -> str:
    """A stored figure as people write it: 95.2 and 1080, not 95.2000 and 1080.0000."""
    return decimal_text(value) if isinstance(value, Decimal) else ("" if value is None else str(value))


@register.filter
def keyed(pk, kind: str) -> str:
    """entry.pk|keyed:"entry" → "entry-12", the prefix of that entry's form fields."""
    return f"{kind}-{pk}"
