"""Figures measured in-process through Django's full request stack (middleware, views, templates)."""

from __future__ import annotations

import statistics
import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection
from django.test import Client


@dataclass
class Timing:
    p95_ms: float
    median_ms: float
    rps: float
    queries: int


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def time_get(client: Client, url: str, *, requests: int, warmup: int = 3) -> Timing:
    """Sequential GETs of one URL: each must answer 200; the first measured one counts queries."""
    for _ in range(warmup):
        _check(client.get(url), url)
    with count_queries() as counted:
        _check(client.get(url), url)
    samples = []
    started = time.perf_counter()
    for _ in range(requests):
        t0 = time.perf_counter()
        _check(client.get(url), url)
        samples.append((time.perf_counter() - t0) * 1000)
    elapsed = time.perf_counter() - started
    return Timing(
        p95_ms=round(p95(samples), 2),
        median_ms=round(statistics.median(samples), 2),
        rps=round(requests / elapsed, 1),
        queries=counted[0],
    )


def time_cold_get(client: Client, url: str, *, requests: int, renew) -> Timing:
    """GETs of a cached page, each after `renew()` retired what the cache held: what a reader
    pays on the first view after a change; the first measured one counts queries."""
    renew()
    with count_queries() as counted:
        _check(client.get(url), url)
    samples = []
    for _ in range(requests):
        renew()
        t0 = time.perf_counter()
        _check(client.get(url), url)
        samples.append((time.perf_counter() - t0) * 1000)
    return Timing(
        p95_ms=round(p95(samples), 2),
        median_ms=round(statistics.median(samples), 2),
        rps=round(1000 / statistics.mean(samples), 1),
        queries=counted[0],
    )


@contextmanager
def count_queries():
    """Counts the SQL statements run; unlike CaptureQueriesContext it survives the
    request_started signal, which resets Django's query log at the start of each request."""
    counter = [0]

    def wrapper(execute, sql, params, many, context):
        counter[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield counter


def _check(response, url):
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
