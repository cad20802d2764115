"""Two-factor sign-in: who must enrol, enrolment by a code, codes and recovery codes, the
security administrator's reset; every step audited."""

import pytest
from django.contrib.auth import get_user_model
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from responsibilities.admin_roles import admin_roles_sync
from responsibilities.models import AuditEvent, Membership, Role

User = get_user_model()


@pytest.fixture(autouse=True)
def two_factor_on(settings):
    settings.OTP_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code may be followed at once by a right one


def code_for(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enrolled(user) -> tuple[TOTPDevice, list[str]]:
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    recovery = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = ["abcd2345", "efgh6723"]
    for code in codes:
        StaticToken.objects.create(device=recovery, token=code)
    return device, codes


def verified_login(client, user) -> None:
    """A test's signed-in session, verified as if the user had given a code (for other tests)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or enrolled(user)[0]
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def test_an_office_admin_without_a_device_is_sent_to_enrolment(client, cast):
    client.force_login(cast.office)
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/accounts/two-factor/enrol/")
    page = client.get("/accounts/two-factor/enrol/")
    assert page.status_code == 200 and 'src="data:image/svg+xml' in page.content.decode()


def test_a_liaison_without_a_device_is_not_asked(client, cast):
    client.force_login(cast.liaison)
    assert client.get("/accounts/password/").status_code == 200


def test_the_admin_requires_a_verified_session(client, cast):
    root = User.objects.create_superuser("root", password="Root#2026xx")
    client.force_login(root)
    assert client.get("/admin/").url.startswith("/accounts/two-factor/enrol/")
    verified_login(client, root)
    assert client.get("/admin/").status_code == 200


def test_enrolment_with_a_correct_code_verifies_the_session_and_shows_ten_recovery_codes(client, cast):
    # given
    client.force_login(cast.office)
    client.get("/accounts/two-factor/enrol/")
    device = TOTPDevice.objects.get(user=cast.office, confirmed=False)
    # when
    response = client.post("/accounts/two-factor/enrol/", {"token": code_for(device), "next": "/"})
    # then
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/accounts/password/").status_code == 200  # the session is verified
    assert AuditEvent.objects.filter(
        action="otp.enrol", actor=cast.office, jurisdiction=cast.jurisdiction
    ).exists()


def test_enrolment_with_a_wrong_code_is_refused_and_audited(client, cast):
    client.force_login(cast.office)
    client.get("/accounts/two-factor/enrol/")
    response = client.post("/accounts/two-factor/enrol/", {"token": "000000"})
    assert response.status_code == 200 and response.context["form"].errors
    assert not TOTPDevice.objects.filter(user=cast.office, confirmed=True).exists()
    assert AuditEvent.objects.filter(action="otp.enrol_failed", actor=cast.office).exists()


def test_after_the_password_a_user_with_a_device_gives_a_code(client, cast):
    # given
    device, _codes = enrolled(cast.liaison)
    client.force_login(cast.liaison)
    assert client.get("/accounts/password/").url.startswith("/accounts/two-factor/verify/")
    # when a wrong code, then the right one
    wrong = client.post(
        "/accounts/two-factor/verify/", {"token": "123456" if code_for(device) != "123456" else "654321"}
    )
    right = client.post(
        "/accounts/two-factor/verify/", {"token": code_for(device), "next": "/accounts/password/"}
    )
    # then
    assert wrong.status_code == 200 and wrong.context["form"].errors
    assert right.status_code == 302 and right.url == "/accounts/password/"
    assert client.get("/accounts/password/").status_code == 200
    actions = list(
        AuditEvent.objects.filter(action__startswith="otp.").order_by("id").values_list("action", flat=True)
    )
    assert actions == ["otp.verify_failed", "otp.verify"]


def test_a_recovery_code_works_once(client, cast):
    _device, codes = enrolled(cast.office)
    client.force_login(cast.office)
    first = client.post("/accounts/two-factor/verify/", {"token": codes[0].upper()})
    assert first.status_code == 302
    client.logout()
    client.force_login(cast.office)
    again = client.post("/accounts/two-factor/verify/", {"token": codes[0]})
    assert again.status_code == 200 and again.context["form"].errors
    assert client.get("/").url.startswith("/accounts/two-factor/verify/")


def test_the_security_admin_resets_another_users_device_and_it_is_audited(client, cast):
    # given
    security = User.objects.create_user("security", password="Sec#2026xxx")
    Membership.objects.create(user=security, jurisdiction=cast.jurisdiction, role=Role.SECURITY_ADMIN)
    admin_roles_sync(security)
    enrolled(cast.office)
    verified_login(client, security)
    # when
    response = client.post(
        "/admin/auth/user/", {"action": "otp_reset", "_selected_action": [cast.office.pk, security.pk]}
    )
    # then the office's devices are gone, his own are kept
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=cast.office).exists()
    assert not StaticDevice.objects.filter(user=cast.office).exists()
    assert TOTPDevice.objects.filter(user=security).exists()
    event = AuditEvent.objects.get(action="otp.reset")
    assert (event.actor, event.object_id, event.jurisdiction) == (
        security,
        str(cast.office.pk),
        cast.jurisdiction,
    )


def test_a_system_admin_cannot_reset_devices(client, cast):
    sysadmin = User.objects.create_user("sysadmin", password="Sys#2026xxx")
    Membership.objects.create(user=sysadmin, jurisdiction=cast.jurisdiction, role=Role.SYSTEM_ADMIN)
    admin_roles_sync(sysadmin)
    enrolled(cast.office)
    verified_login(client, sysadmin)
    client.post("/admin/auth/user/", {"action": "otp_reset", "_selected_action": [cast.office.pk]})
    assert TOTPDevice.objects.filter(user=cast.office).exists()
