"""Private files in object storage (PRIVATE_STORAGE=s3, django-storages), for deployments whose
app servers share no directory: evidence a liaison uploads goes to the bucket, never to a
server's disk, and the head downloads it through the portal's permission check. The bucket is
moto's S3 server, a real HTTP server on 127.0.0.1."""

import contextlib
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from qualitycity.storage import file_delete_on_commit, private_storage
from reports.models import DepartmentReport, Evidence

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
BUCKET = "qualitycity-private"
KEYS = {"access_key": "portal", "secret_key": "portal-secret"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    """moto's S3 server on a free loopback port, for this module."""
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - our own virtualenv's moto_server, fixed arguments
        [str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
            time.sleep(0.05)
        else:
            pytest.fail("moto_server did not start")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def bucket(s3_server, settings):
    """An empty private bucket, and the portal's settings pointing at it."""
    s3 = boto3.resource(
        "s3",
        endpoint_url=s3_server,
        region_name="us-east-1",
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
    )
    store = s3.Bucket(BUCKET)
    if store.creation_date is None:
        store.create()
    store.objects.all().delete()
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_server,
                "region_name": "us-east-1",
                "location": "portal",
                "file_overwrite": False,
                "default_acl": "private",
                **KEYS,
            },
        },
    }
    return store


def keys(store) -> list[str]:
    return sorted(o.key for o in store.objects.all())


def test_each_kind_of_private_file_has_its_own_prefix_and_a_name_is_never_overwritten(bucket):
    evidence = private_storage("evidence")
    first = evidence.save("2026/11/ab/报告.pdf", ContentFile(PDF))
    second = evidence.save("2026/11/ab/报告.pdf", ContentFile(PDF + b"%second"))
    private_storage("compiled").save("汇总表.xlsx", ContentFile(b"xlsx"))
    assert first != second
    assert evidence.open(second).read() == PDF + b"%second"
    assert keys(bucket) == sorted(
        [f"portal/evidence/{first}", f"portal/evidence/{second}", "portal/compiled/汇总表.xlsx"]
    )


@pytest.mark.django_db(transaction=True)
def test_a_dropped_file_leaves_the_bucket_only_when_the_change_commits(bucket):
    storage = private_storage("compiled")
    kept, dropped = (
        storage.save("kept.xlsx", ContentFile(b"a")),
        storage.save("dropped.xlsx", ContentFile(b"b")),
    )
    with contextlib.suppress(RuntimeError), transaction.atomic():
        file_delete_on_commit(storage, kept)
        raise RuntimeError("the change fails")
    with transaction.atomic():
        file_delete_on_commit(storage, dropped)
        assert "portal/compiled/dropped.xlsx" in keys(bucket)  # until the commit
    assert keys(bucket) == ["portal/compiled/kept.xlsx"]


def test_evidence_uploaded_by_the_liaison_lives_in_the_bucket_and_reaches_the_head(
    bucket, cast, period, client, monkeypatch, settings, tmp_path
):
    settings.PRIVATE_ROOT = tmp_path
    # the evidence field takes the configured storage as it would at start-up
    monkeypatch.setattr(Evidence._meta.get_field("file"), "storage", private_storage("evidence"))
    entry = DepartmentReport.objects.get(period=period, department=cast.department).entries.get()
    client.force_login(cast.liaison)
    client.post(f"/reports/entries/{entry.pk}/evidence/", {"file": SimpleUploadedFile("记录.pdf", PDF)})
    evidence = Evidence.objects.get()
    assert keys(bucket) == [f"portal/evidence/{evidence.file.name}"]
    assert not any(tmp_path.rglob("*.pdf"))  # nothing on this server's disk

    client.force_login(cast.head)
    response = client.get(f"/reports/evidence/{evidence.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
