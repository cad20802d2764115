from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark, the large seed and the demo data: commands on top of every app."""

    name = "bench"
    verbose_name = "bench"
