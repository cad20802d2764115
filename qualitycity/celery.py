"""The Celery application.

With REDIS_URL set the tasks go through Redis to a worker process; without it (the embedded
default) they run in-process, eagerly, so a first look needs no broker.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qualitycity.settings")

app = Celery("qualitycity")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
