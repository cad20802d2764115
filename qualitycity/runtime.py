"""How a serving process settles in once the portal is loaded."""

import gc

from django.urls import get_resolver


def freeze_loaded_objects() -> None:
    """Loads every view (through the URLconf) and takes what is loaded so far out of the garbage
    collector's reach: a full collection then walks only the objects requests create, not the
    whole of Django, which otherwise stops a request for about 90 ms every few requests that
    build thousands of rows (the office dashboard's first view after a write). Those objects
    live as long as the process anyway; under a pre-forking server they also stay shared."""
    get_resolver().url_patterns  # noqa: B018 - imports the views
    gc.collect()
    gc.freeze()
