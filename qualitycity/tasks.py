import socket

from celery import shared_task
from django.db import connection


@shared_task
def health_check() -> dict:
    """Proves a worker is alive and reaches the database: returns its host and a SELECT 1."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (one,) = cursor.fetchone()
    return {"host": socket.gethostname(), "database": "ok" if one == 1 else "error"}
