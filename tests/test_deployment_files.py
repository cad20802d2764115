"""docker-compose.yml runs the portal as the README's production section says: two app servers
behind the proxy, both in the proxy's upstream, two workers on the queue, exactly one beat, and
every portal process on the same database, Redis and private files."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def portal_services(services: dict) -> dict:
    return {name: s for name, s in services.items() if s.get("build") == "."}


def test_two_app_servers_behind_the_proxy_and_the_proxy_sends_to_both():
    services = compose()["services"]
    servers = sorted(name for name, s in services.items() if "gunicorn" in s.get("command", []))
    assert servers == ["web1", "web2"]
    upstream = re.findall(r"^\s*server (\w+):8000\b", (ROOT / "deploy" / "nginx.conf").read_text(), re.M)
    assert sorted(upstream) == servers
    assert services["proxy"]["ports"] == ["8000:8000"]
    assert not any(services[name].get("ports") for name in servers)  # only through the proxy


def test_two_workers_share_the_queue_and_one_beat_schedules():
    services = compose()["services"]
    workers = [s for s in services.values() if s.get("command", [])[3:4] == ["worker"]]
    beats = [s for s in services.values() if s.get("command", [])[3:4] == ["beat"]]
    assert len(workers) == 1 and workers[0]["deploy"]["replicas"] == 2
    assert len(beats) == 1 and "deploy" not in beats[0]


def test_every_portal_process_shares_the_database_redis_and_private_files():
    portal = portal_services(compose()["services"])
    assert {"web1", "web2", "worker", "beat", "migrate"} <= set(portal)
    for name, service in portal.items():
        env = service["environment"]
        assert env["DATABASE_URL"].endswith("@db:5432/qualitycity"), name
        assert env["REDIS_URL"] == "redis://redis:6379/0", name
        assert env["PRIVATE_ROOT"] == "/data/private" and "private:/data/private" in service["volumes"], name
        assert env["PROXY_COUNT"].startswith("${PROXY_COUNT:-1}"), name
