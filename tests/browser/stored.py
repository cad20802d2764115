"""What the database holds as text: the page walks tell a page's own words from data by it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.apps import apps
from django.db import models


def stored_strings(*, leave_out: Callable[[type[models.Model], models.Field], bool]) -> Iterator[str]:
    """Every string in the database's text and JSON fields (each string inside a JSON value
    too), model by model, but for the fields leave_out(model, field) is true of."""
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
            and not leave_out(model, f)
        ]
        if fields:
            for row in model.objects.values_list(*fields).iterator():
                yield from _strings(row)


def _strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
