"""Sign-in hardening (等保 2.0): lockout, password rules, forced and periodic change, idle
timeout, and an audit trail nobody can edit."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from responsibilities.models import AuditEvent, PasswordState
from tests.factories import UserFactory

LOGIN = "/accounts/login/"


def attempt(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("Zhiliang7", True),  # upper, lower, digit
        ("mxlqtvz1!", True),  # lower, digit, symbol (abcdefg1! is refused as common)
        ("质量强市abc1", True),  # Chinese counts as the fourth class
        ("abcdefgh1", False),  # two classes
        ("ABCDEFGH", False),
        ("Ab1!", False),  # too short
    ],
)
def test_passwords_need_eight_characters_from_three_classes(db, password, ok):
    user = UserFactory(username="zhangsan")
    if ok:
        validate_password(password, user)
    else:
        with pytest.raises(ValidationError):
            validate_password(password, user)


def test_none_of_the_last_five_passwords_may_be_used_again(db):
    user = UserFactory(username="lisi")
    passwords = [f"Quality{n}!x" for n in range(6)]
    for password in passwords:
        validate_password(password, user)
        user.set_password(password)
        user.save()
    with pytest.raises(ValidationError, match="最近5次"):
        validate_password(passwords[2], user)
    validate_password(passwords[0], user)  # the sixth-last may come back


def test_five_failures_lock_the_account_even_for_the_right_password(client, cast):
    for _ in range(5):
        attempt(client, "office", "wrong-password")
    response = attempt(client, "office", "Demo@2026")
    assert response.status_code == 429
    assert "已暂时锁定30分钟" in response.content.decode()
    assert AuditEvent.objects.filter(action="auth.login_failed").count() >= 5


def test_a_colleague_behind_the_same_address_is_not_locked_out(client, cast):
    for _ in range(5):
        attempt(client, "office", "wrong-password")
    response = attempt(client, "liaison", "Demo@2026")
    assert response.status_code == 302


def test_a_created_user_must_change_the_password_at_first_login(client, cast):
    PasswordState.objects.update_or_create(user=cast.liaison, defaults={"must_change": True})
    attempt(client, "liaison", "Demo@2026")
    response = client.get(reverse("programmes:plan_list"))
    assert response.status_code == 302 and response.url == reverse("password_change")
    response = client.post(
        reverse("password_change"),
        {"old_password": "Demo@2026", "new_password1": "Zhiliang#2027", "new_password2": "Zhiliang#2027"},
    )
    assert response.status_code == 302
    assert client.get(reverse("programmes:plan_list")).status_code == 200
    assert AuditEvent.objects.filter(action="auth.password_change", actor=cast.liaison).exists()


def test_a_password_older_than_90_days_must_be_changed(client, cast):
    PasswordState.objects.update_or_create(
        user=cast.office, defaults={"changed_at": timezone.now() - dt.timedelta(days=91)}
    )
    attempt(client, "office", "Demo@2026")
    assert client.get(reverse("programmes:plan_list")).url == reverse("password_change")


def test_demo_accounts_are_exempt(client, cast):
    PasswordState.objects.update_or_create(
        user=cast.office, defaults={"exempt": True, "changed_at": timezone.now() - dt.timedelta(days=400)}
    )
    attempt(client, "office", "Demo@2026")
    assert client.get(reverse("programmes:plan_list")).status_code == 200


def test_sessions_end_after_30_idle_minutes(client, cast, monkeypatch):
    start = timezone.now()

    def minutes_later(minutes):
        monkeypatch.setattr(timezone, "now", lambda: start + dt.timedelta(minutes=minutes))

    # the session cookie lives 30 minutes, out of reach of scripts and of other sites' forms
    attempt(client, "office", "Demo@2026")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == 30 * 60
    assert cookie["httponly"] is True and cookie["samesite"] == "Lax"
    plans = reverse("programmes:plan_list")
    # each request starts the 30 minutes again: 29 idle minutes twice over keep the session
    minutes_later(29)
    response = client.get(plans)
    assert response.status_code == 200
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 30 * 60
    minutes_later(58)
    assert client.get(plans).status_code == 200
    # and 31 idle minutes end it: back to the login page
    minutes_later(58 + 31)
    response = client.get(plans)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_requests_within_a_minute_do_not_write_the_session_again(client, cast, monkeypatch):
    from django.contrib.sessions.models import Session

    start = timezone.now()
    attempt(client, "office", "Demo@2026")
    plans = reverse("programmes:plan_list")
    stored = Session.objects.get().expire_date

    # an autosave's rhythm: requests every few seconds renew nothing
    for seconds in (5, 20, 59):
        monkeypatch.setattr(timezone, "now", lambda s=seconds: start + dt.timedelta(seconds=s))
        response = client.get(plans)
        assert response.status_code == 200
        assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert Session.objects.get().expire_date == stored

    # the first request a minute after the last renewal renews the session and its cookie
    monkeypatch.setattr(timezone, "now", lambda: start + dt.timedelta(seconds=61))
    response = client.get(plans)
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 30 * 60
    assert Session.objects.get().expire_date > stored


def test_a_stale_session_cookie_starts_no_new_session(client, cast):
    from django.contrib.sessions.models import Session

    client.cookies[settings.SESSION_COOKIE_NAME] = "nosuchsessionkey0123456789abcdef"
    response = client.get(reverse("programmes:plan_list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert not Session.objects.exists()
    assert (
        response.cookies.get(settings.SESSION_COOKIE_NAME) is None
        or not response.cookies[settings.SESSION_COOKIE_NAME].value
    )


def test_sign_in_and_sign_out_are_audited(client, cast):
    attempt(client, "office", "Demo@2026")
    client.post(reverse("logout"))
    actions = list(AuditEvent.objects.filter(actor=cast.office).values_list("action", flat=True))
    assert "auth.login" in actions and "auth.logout" in actions


def test_the_audit_trail_cannot_be_edited_or_deleted(cast):
    event = AuditEvent.objects.create(action="test", summary="原始记录")
    event.summary = "篡改"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(summary="篡改")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).summary == "原始记录"


def test_the_admin_offers_no_way_to_change_the_audit_trail(client, cast):
    from responsibilities.tests.test_people import superuser

    client.force_login(superuser())
    event = AuditEvent.objects.create(action="test", summary="x")
    # a superuser may view an event (read-only, no save button) but change nothing
    response = client.get(f"/admin/responsibilities/auditevent/{event.pk}/change/")
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    assert (
        client.post(f"/admin/responsibilities/auditevent/{event.pk}/change/", {"summary": "篡改"}).status_code
        == 403
    )
    assert (
        client.post(f"/admin/responsibilities/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_every_page_sends_a_content_security_policy_without_inline_code(client, cast):
    client.force_login(cast.office)
    policy = client.get(reverse("programmes:plan_list"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_an_overlong_user_name_is_refused_not_a_server_error(client, db):
    # found by the hostile-input properties on PostgreSQL: axes stores the name in varchar(255)
    response = client.post(LOGIN, {"username": "a" * 300, "password": "x"})
    assert response.status_code == 200
    assert "用户名不能超过150个字符" in response.content.decode()
    response = client.post("/admin/login/", {"username": "a" * 300, "password": "x"})
    assert response.status_code == 200


def test_one_password_sprayed_over_35_accounts_from_one_address_is_locked(client, db):
    # given 35 accounts of one bureau
    for n in range(35):
        UserFactory(username=f"staff{n:02d}")
    # when one address tries one password on each
    answers = [attempt(client, f"staff{n:02d}", "Admin@123").status_code for n in range(35)]
    # then the first 29 are plain failures and the address is locked from the 30th on
    assert answers[:29] == [200] * 29
    assert answers[29:] == [429] * 6
    # and even the right password from that address waits for the cool-off
    assert attempt(client, "staff00", "Demo@2026").status_code == 429


def test_five_failures_from_different_addresses_lock_that_name_only(client, cast):
    for n in range(5):
        client.post(LOGIN, {"username": "office", "password": "wrong"}, REMOTE_ADDR=f"10.0.0.{n + 1}")
    assert (
        client.post(
            LOGIN, {"username": "office", "password": "Demo@2026"}, REMOTE_ADDR="10.0.0.9"
        ).status_code
        == 429
    )
    assert (
        client.post(
            LOGIN, {"username": "liaison", "password": "Demo@2026"}, REMOTE_ADDR="10.0.0.1"
        ).status_code
        == 302
    )


def test_a_successful_sign_in_does_not_clear_the_addresses_failures(client, cast):
    for n in range(29):
        attempt(client, f"nobody{n}", "Admin@123")
    assert attempt(client, "liaison", "Demo@2026").status_code == 302
    client.logout()
    assert attempt(client, "nobody99", "Admin@123").status_code == 429
