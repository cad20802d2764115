from django import template

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
    return "" if current is None else current


@register.filter
def keyed(pk, kind: str) -> str:
    """entry.pk|keyed:"entry" → "entry-12", the prefix of that entry's form fields."""
    return f"{kind}-{pk}"
