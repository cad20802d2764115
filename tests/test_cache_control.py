"""A signed-in user's pages and files are never stored by the browser or a proxy."""

from django.urls import reverse


def _no_store(response) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "").split(", ")


def test_a_signed_in_page_is_not_stored(client, cast):
    client.force_login(cast.liaison)
    response = client.get(reverse("programmes:plan_list"))
    assert response.status_code == 200
    assert _no_store(response)
    assert "private" in response.headers["Cache-Control"]


def test_a_downloaded_file_is_not_stored(client, cast):
    client.force_login(cast.office)
    response = client.get(reverse("plandocs:plan_export_xlsx", args=[cast.plan.pk]))
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert _no_store(response)
