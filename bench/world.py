"""The names that mark the benchmark's world: its jurisdictions and its accounts."""

from responsibilities.models import Jurisdiction

PREFIX = "基准"
BENCH_PASSWORD = "Bench@2026"


def bench_jurisdictions():
    return Jurisdiction.objects.filter(name__startswith=PREFIX)


def bench_office_username(index: int) -> str:
    return f"bench_office_{index}"
