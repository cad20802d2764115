"""Behind the deployment's reverse proxy (docker-compose's nginx in front of two app servers),
the lockout by address, the audit log and the API's rate limit see each client's own address,
not the proxy's; and what a client writes into X-Forwarded-For itself is never believed."""

import pytest
from axes.models import AccessAttempt
from django.test import Client

from qualitycity.middleware import forwarded_client_address
from responsibilities.models import AuditEvent
from tests.factories import UserFactory

LOGIN = "/accounts/login/"
PROXY = "172.18.0.5"  # nginx, as every app server sees it


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.7", PROXY),  # no proxy configured: the header is not believed
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # the client's own claim is left of ours
        (2, "6.6.6.6, 203.0.113.7, 10.1.1.1", "203.0.113.7"),  # intranet HTTPS proxy, then nginx
        (2, "203.0.113.7", PROXY),  # fewer hops than proxies: someone went round a proxy
        (1, "", PROXY),
        (1, "not-an-address", PROXY),
        (1, "203.0.113.7, <script>", PROXY),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_is_the_address_our_outermost_proxy_saw(proxies, forwarded, expected):
    meta = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded}
    assert forwarded_client_address(meta, proxies) == expected


def failed_logins(client: Client, *, count: int, client_address: str, claimed: str = ""):
    forwarded = f"{claimed}, {client_address}" if claimed else client_address
    return [
        client.post(
            LOGIN,
            {"username": f"nobody{n}", "password": "Admin@123"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=forwarded,
        ).status_code
        for n in range(count)
    ]


@pytest.mark.django_db
def test_behind_the_proxy_one_bureaus_failures_do_not_lock_out_the_others(settings):
    # given the portal behind one proxy
    settings.PROXY_COUNT = 1
    client = Client()
    # when one address sprays a password over 30 accounts
    answers = failed_logins(client, count=30, client_address="203.0.113.7")
    # then that address is locked from its 30th try
    assert answers[-1] == 429
    # and a colleague at another bureau, behind the same proxy, signs in
    UserFactory(username="zhangsan")
    response = client.post(
        LOGIN,
        {"username": "zhangsan", "password": "Demo@2026"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    assert response.status_code == 302
    # and the sign-in records name each client, never the proxy
    summaries = list(AuditEvent.objects.filter(action__startswith="auth.").values_list("summary", flat=True))
    assert any("203.0.113.7" in s for s in summaries) and any("198.51.100.20" in s for s in summaries)
    assert not any(PROXY in s for s in summaries)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}


@pytest.mark.django_db
def test_a_client_cannot_escape_the_lockout_by_claiming_another_address(settings):
    settings.PROXY_COUNT = 1
    client = Client()
    answers = [
        failed_logins(client, count=1, client_address="203.0.113.7", claimed=f"10.9.9.{n}")[0]
        for n in range(31)
    ]
    assert answers[29:] == [429, 429]
