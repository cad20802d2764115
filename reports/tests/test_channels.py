"""Notification channels (issue 16): e-mail, 政务钉钉 and 企业微信 group robots and the SMS
gateway, posted to a real fake server on 127.0.0.1; notify() queuing deliveries after commit;
retries, timeouts and duplicates; and the 通知方式, 群机器人 and 发送记录 pages."""

from __future__ import annotations

import datetime as dt
import os
import time

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.channel_selectors import reach_for_users
from reports.channel_services import robot_create
from reports.channels import (
    ChannelError,
    delivery_send,
    dingtalk_send,
    dingtalk_sign,
    mask_phone,
    mobile_number,
    sms_send,
    wecom_send,
)
from reports.models import Channel, Delivery, GroupRobot, Notification, NotificationPreference
from reports.notifications import notify
from reports.tasks import deliver
from reports.tests.fake_channel_server import FakeChannelServer
from responsibilities.models import AuditEvent, Membership
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory
from tests.test_celery_worker import celery  # noqa: F401 - a fixture: starts a worker

SECRET = "SEC0123456789abcdef"
SMS_KEY = "gateway-key-甲市"


@pytest.fixture
def fake():
    server = FakeChannelServer(dingtalk_secret=SECRET, sms_key=SMS_KEY).start()
    yield server
    server.stop()


@pytest.fixture
def channels_on(settings, fake):
    """The SMS gateway points at the fake server; posts give up after a short wait."""
    settings.SMS_GATEWAY_URL = f"{fake.base}/sms"
    settings.SMS_GATEWAY_KEY = SMS_KEY
    settings.SMS_GATEWAY_SIGN_NAME = "甲市质强办"
    settings.CHANNEL_TIMEOUT_SECONDS = 0.5
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return fake


@pytest.fixture
def eager():
    """The delivery task runs in this process, as in the embedded mode (the tests' Redis has no
    worker listening)."""
    from qualitycity.celery import app

    before = {k: app.conf.get(k) for k in ("task_always_eager", "task_eager_propagates")}
    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield app
    app.conf.update(before)


@pytest.fixture
def robots(cast, fake):
    """市市场监管局's DingTalk (signed) and WeCom groups, and the office's DingTalk group."""
    dingtalk = robot_create(
        actor=cast.office,
        jurisdiction=cast.jurisdiction,
        department=cast.department,
        kind=Channel.DINGTALK,
        name="市场监管局质量工作群",
        webhook_url=f"{fake.base}/dingtalk?access_token=abc123",
        secret=SECRET,
    )
    wecom = robot_create(
        actor=cast.office,
        jurisdiction=cast.jurisdiction,
        department=cast.department,
        kind=Channel.WECOM,
        name="市场监管局企业微信群",
        webhook_url=f"{fake.base}/wecom?key=wk-1",
    )
    office = robot_create(
        actor=cast.office,
        jurisdiction=cast.jurisdiction,
        department=None,
        kind=Channel.DINGTALK,
        name="质强办工作群",
        webhook_url=f"{fake.base}/dingtalk?access_token=office",
        secret=SECRET,
    )
    return {"dingtalk": dingtalk, "wecom": wecom, "office": office}


def on_file(user, *, phone: str = "", address: str = "", **chosen) -> None:
    """The phone on the person's roles, the e-mail on the account, and the channels chosen."""
    Membership.objects.filter(user=user).update(phone=phone)
    user.email = address
    user.save(update_fields=["email"])
    if chosen:
        NotificationPreference.objects.update_or_create(user=user, defaults=chosen)


def notify_committed(django_capture_on_commit_callbacks, users, **kwargs) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return notify(users=users, kind="test", title="2026年11月月报已审核通过", url="/reports/1/", **kwargs)


# Addresses ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phone", "mobile"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("+86-138-1234-5678", "13812345678"),
        ("0512-53521234", None),
        ("12345678901", None),
        ("", None),
    ],
)
def test_only_a_mobile_number_is_a_mobile_number(phone, mobile):
    assert mobile_number(phone) == mobile


def test_a_phone_is_masked_in_the_middle():
    assert mask_phone("13812345678") == "138****5678"


# Each channel's payload and signature ------------------------------------------------------------


def test_dingtalk_posts_text_with_mentions_and_the_documented_signature(db, cast, fake, robots):
    # when a message goes to the signed DingTalk group
    dingtalk_send(robot=robots["dingtalk"], text="请尽快提交月报", mobiles=["13812345678"])
    # then the webhook got the text, the @ and a signature the fake checked as DingTalk does
    (post,) = fake.at("/dingtalk")
    assert post.query["access_token"] == "abc123"
    assert post.json == {
        "msgtype": "text",
        "text": {"content": "请尽快提交月报 @13812345678"},
        "at": {"atMobiles": ["13812345678"]},
    }
    assert fake.problems == []


def test_the_dingtalk_sign_is_base64_of_hmac_sha256_url_encoded():
    # the example of DingTalk's documentation, computed independently: Base64 may hold + / =,
    # which the URL carries encoded
    import base64
    import hashlib
    import hmac
    from urllib.parse import quote_plus

    expected = quote_plus(
        base64.b64encode(
            hmac.new(b"this is secret", b"1577262236757\nthis is secret", hashlib.sha256).digest()
        )
    )
    assert dingtalk_sign(secret="this is secret", timestamp_ms=1577262236757) == expected


def test_a_wrong_dingtalk_secret_is_caught_by_the_fake(db, cast, fake, robots):
    robots["dingtalk"].secret = "SECwrong"
    dingtalk_send(robot=robots["dingtalk"], text="x", mobiles=[])
    assert len(fake.problems) == 1 and "dingtalk sign" in fake.problems[0]


def test_wecom_posts_text_mentioning_by_mobile(db, cast, fake, robots):
    wecom_send(robot=robots["wecom"], text="月报被退回", mobiles=["13812345678"])
    (post,) = fake.at("/wecom")
    assert post.query == {"key": "wk-1"}
    assert post.json == {
        "msgtype": "text",
        "text": {"content": "月报被退回", "mentioned_mobile_list": ["13812345678"]},
    }


def test_the_sms_gateway_gets_a_signed_json_body(db, channels_on):
    before = int(time.time())
    sms_send(phone="13812345678", text="请尽快提交月报")
    (post,) = channels_on.at("/sms")
    body = post.json
    assert {k: body[k] for k in ("phone", "text", "sign_name")} == {
        "phone": "13812345678",
        "text": "请尽快提交月报",
        "sign_name": "甲市质强办",
    }
    assert before <= body["timestamp"] <= int(time.time())
    assert post.headers["Content-Type"].startswith("application/json")
    assert channels_on.problems == []  # X-Signature verified


def test_a_robot_refusing_with_an_errcode_is_a_failure(db, cast, fake, robots):
    fake.mode = "errcode"
    with pytest.raises(ChannelError, match="310000"):
        wecom_send(robot=robots["wecom"], text="x", mobiles=[])


# notify(): rows per chosen channel, queued after commit ------------------------------------------


def test_each_chosen_channel_that_reaches_the_person_gets_one_delivery(
    cast, channels_on, robots, eager, django_capture_on_commit_callbacks
):
    # given a liaison with a mobile and an e-mail who chose every channel
    on_file(
        cast.liaison,
        phone="138 1234 5678",
        address="liaison@example.cn",
        email=True,
        sms=True,
        dingtalk=True,
        wecom=True,
    )
    # when notified about their department's report
    sent = notify_committed(
        django_capture_on_commit_callbacks, [cast.liaison], jurisdiction=cast.jurisdiction
    )
    # then one delivery per channel, all sent: their department's groups, not the office's
    assert sent == 1
    rows = Delivery.objects.order_by("channel")
    assert [(d.channel, d.address, d.status, d.attempts) for d in rows] == [
        ("dingtalk", "13812345678", "sent", 1),
        ("email", "liaison@example.cn", "sent", 1),
        ("sms", "13812345678", "sent", 1),
        ("wecom", "13812345678", "sent", 1),
    ]
    assert {d.jurisdiction_id for d in rows} == {cast.jurisdiction.pk}
    assert rows.get(channel="dingtalk").robot == robots["dingtalk"]
    assert [p.query["access_token"] for p in channels_on.at("/dingtalk")] == ["abc123"]
    assert "http://127.0.0.1:8000/reports/1/" in channels_on.at("/wecom")[0].json["text"]["content"]
    assert mail.outbox[0].to == ["liaison@example.cn"]
    assert channels_on.problems == []


def test_by_default_only_e_mail_is_sent(cast, channels_on, robots, eager, django_capture_on_commit_callbacks):
    on_file(cast.liaison, phone="13812345678", address="liaison@example.cn")
    notify_committed(django_capture_on_commit_callbacks, [cast.liaison])
    assert list(Delivery.objects.values_list("channel", flat=True)) == ["email"]
    assert channels_on.received == []


def test_preferences_are_honoured_no_email_when_turned_off(
    cast, channels_on, robots, eager, django_capture_on_commit_callbacks
):
    on_file(cast.liaison, phone="13812345678", address="liaison@example.cn", email=False, wecom=True)
    notify_committed(django_capture_on_commit_callbacks, [cast.liaison])
    assert list(Delivery.objects.values_list("channel", flat=True)) == ["wecom"]
    assert mail.outbox == []


def test_no_mobile_on_file_means_no_sms_and_no_mention(
    cast, channels_on, robots, eager, django_capture_on_commit_callbacks
):
    # given a landline only, SMS and DingTalk chosen
    on_file(cast.liaison, phone="0512-53521234", address="", email=True, sms=True, dingtalk=True)
    notify_committed(django_capture_on_commit_callbacks, [cast.liaison])
    # then the group still hears of it, with nobody @-mentioned; no SMS, no e-mail
    assert list(Delivery.objects.values_list("channel", "address")) == [("dingtalk", "")]
    assert channels_on.at("/sms") == []
    assert channels_on.at("/dingtalk")[0].json["at"] == {"atMobiles": []}


def test_the_office_hears_through_the_office_group(
    cast, channels_on, robots, eager, django_capture_on_commit_callbacks
):
    on_file(cast.office, phone="13900001111", address="", dingtalk=True)
    notify_committed(django_capture_on_commit_callbacks, [cast.office], jurisdiction=cast.jurisdiction)
    assert list(Delivery.objects.values_list("robot__name", flat=True)) == ["质强办工作群"]


def test_an_inactive_robot_reaches_nobody(
    cast, channels_on, robots, eager, django_capture_on_commit_callbacks
):
    GroupRobot.objects.filter(pk=robots["dingtalk"].pk).update(is_active=False)
    on_file(cast.liaison, phone="13812345678", dingtalk=True, email=False)
    notify_committed(django_capture_on_commit_callbacks, [cast.liaison])
    assert not Delivery.objects.exists()


def test_a_rolled_back_change_sends_nothing(
    cast, channels_on, robots, eager, django_capture_on_commit_callbacks
):
    on_file(cast.liaison, phone="13812345678", address="l@example.cn", sms=True, dingtalk=True)
    # when notify() runs inside a change that then fails
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(users=[cast.liaison], kind="test", title="不会发出")
        raise RuntimeError("the change failed")
    # then no row, no queued task, no post, no mail
    assert callbacks == []
    assert not Delivery.objects.exists() and not Notification.objects.exists()
    assert channels_on.received == [] and mail.outbox == []


def test_notify_writes_rows_and_queues_only_after_commit(
    cast, channels_on, robots, django_capture_on_commit_callbacks
):
    # given the worker's queue (nothing runs here): the page only writes rows
    on_file(cast.liaison, phone="13812345678", address="l@example.cn", sms=True)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(users=[cast.liaison], kind="test", title="t")
    assert len(callbacks) == 2
    assert set(Delivery.objects.values_list("status", flat=True)) == {"pending"}
    assert channels_on.received == []


def test_office_reminder_passes_its_jurisdiction_to_the_log(
    client, cast, period, channels_on, robots, eager, django_capture_on_commit_callbacks
):
    on_file(cast.liaison, phone="13812345678", address="", dingtalk=True)
    client.force_login(cast.office)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/periods/{period.pk}/remind/{cast.department.pk}/")
    delivery = Delivery.objects.get()
    assert (delivery.jurisdiction_id, delivery.status) == (cast.jurisdiction.pk, "sent")
    assert "请尽快提交2026年11月月报" in channels_on.at("/dingtalk")[0].json["text"]["content"]


def test_reach_is_three_queries_whatever_the_number_of_people(cast, robots, django_assert_num_queries):
    people = [
        MembershipFactory(
            user=UserFactory(username=f"p{k}"),
            jurisdiction=cast.jurisdiction,
            department=cast.department,
            role="liaison",
            phone=f"1380000000{k}",
        ).user
        for k in range(6)
    ]
    # memberships, robots; the SMS gateway is a setting
    with django_assert_num_queries(2):
        reaches = reach_for_users(people, jurisdiction_id=cast.jurisdiction.pk)
    assert {r.mobile for r in reaches.values()} == {f"1380000000{k}" for k in range(6)}


# The task: retries, failure, timeout, duplicates ------------------------------------------------


def pending_delivery(cast, robot, address="13812345678") -> Delivery:
    note = Notification.objects.create(user=cast.liaison, kind="test", title="催报")
    return Delivery.objects.create(
        notification=note, jurisdiction=cast.jurisdiction, channel=robot.kind, robot=robot, address=address
    )


def test_a_500_is_retried_then_marked_failed_with_the_error(db, cast, fake, robots):
    fake.mode = "http500"
    delivery = pending_delivery(cast, robots["wecom"])
    # when the worker's four retries fail (each raises for Celery to try again later)
    for attempt in range(1, 5):
        with pytest.raises(ChannelError, match="HTTP 500"):
            delivery_send(delivery_id=delivery.pk, final=False)
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == ("pending", attempt)
    # and the last one fails too
    assert delivery_send(delivery_id=delivery.pk, final=True) == "failed"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("failed", 5, "对方返回 HTTP 500")
    assert len(fake.at("/wecom")) == 5


def test_the_task_decides_the_last_try_by_its_retries(db, cast, fake, robots, eager):
    fake.mode = "http500"
    delivery = pending_delivery(cast, robots["wecom"])
    # the task is configured to retry with backoff on a channel's error, up to the setting
    assert deliver.autoretry_for == (ChannelError,) and deliver.max_retries == 4
    assert deliver.retry_backoff >= 1
    # run eagerly (the embedded default), one try, the error kept, nothing raised to the page
    assert deliver.delay(delivery.pk).get() == "failed"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("failed", 1, "对方返回 HTTP 500")


def test_a_timeout_fails_without_holding_the_page(db, cast, channels_on, robots, eager):
    channels_on.mode = "hang"
    channels_on.hang_seconds = 2
    delivery = pending_delivery(cast, robots["dingtalk"])
    started = time.monotonic()
    with pytest.raises(ChannelError, match="超时"):
        delivery_send(delivery_id=delivery.pk, final=False)
    assert deliver.delay(delivery.pk).get() == "failed"
    assert time.monotonic() - started < 1.8  # two tries of 0.5 s, never the 2 s hang
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 2)
    assert delivery.last_error == "0.5秒内无应答（超时）"


def test_a_delivery_handed_out_twice_is_sent_once(db, cast, fake, robots, eager):
    delivery = pending_delivery(cast, robots["dingtalk"])
    assert deliver.delay(delivery.pk).get() == "sent"
    assert deliver.delay(delivery.pk).get() == "sent"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, len(fake.at("/dingtalk"))) == ("sent", 1, 1)
    assert delivery.sent_at is not None


def test_a_failed_delivery_is_not_retried_by_a_late_duplicate(db, cast, fake, robots):
    fake.mode = "http500"
    delivery = pending_delivery(cast, robots["wecom"])
    delivery_send(delivery_id=delivery.pk, final=True)
    fake.mode = "ok"
    assert delivery_send(delivery_id=delivery.pk, final=True) == "failed"
    assert len(fake.at("/wecom")) == 1


def test_a_deactivated_robots_pending_post_fails_without_posting(db, cast, fake, robots):
    delivery = pending_delivery(cast, robots["wecom"])
    GroupRobot.objects.filter(pk=robots["wecom"].pk).update(is_active=False)
    assert delivery_send(delivery_id=delivery.pk) == "failed"
    assert fake.received == []


# 通知方式 -------------------------------------------------------------------------------------------


def test_the_preferences_page_shows_what_is_on_file_and_why_a_channel_cannot_be_used(
    client, cast, channels_on, robots
):
    on_file(cast.head, phone="0512-53521234", address="head@example.cn")
    client.force_login(cast.head)
    html = client.get(reverse("reports:channel_preferences")).content.decode()
    assert "head@example.cn" in html and "0512-53521234" in html
    assert "登记的联系电话不是手机号" in html  # SMS disabled, and why
    assert "市场监管局质量工作群" in html and "市场监管局企业微信群" in html  # the robots reaching them
    assert html.count(" disabled") == 1


def test_without_a_robot_or_gateway_the_channels_are_disabled(client, cast):
    client.force_login(cast.leader)
    html = client.get(reverse("reports:channel_preferences")).content.decode()
    assert "本平台未配置短信网关" in html
    assert "尚未设置政务钉钉群机器人" in html and "尚未设置企业微信群机器人" in html
    assert "账号未登记电子邮箱" in html


def test_a_person_saves_their_channels(client, cast, channels_on, robots):
    on_file(cast.liaison, phone="13812345678", address="l@example.cn")
    client.force_login(cast.liaison)
    response = client.post(reverse("reports:channel_preferences"), {"sms": "on", "wecom": "on"})
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=cast.liaison)
    assert (preference.email, preference.sms, preference.dingtalk, preference.wecom) == (
        False,
        True,
        False,
        True,
    )
    assert AuditEvent.objects.filter(action="channel.preference", actor=cast.liaison).count() == 1


def test_choosing_a_channel_that_cannot_reach_you_is_refused(client, cast, channels_on, robots):
    # a disabled checkbox forced on by hand: SMS with a landline
    on_file(cast.liaison, phone="0512-53521234", address="l@example.cn")
    client.force_login(cast.liaison)
    response = client.post(reverse("reports:channel_preferences"), {"email": "on", "sms": "on"})
    assert response.status_code == 400
    assert "短信：登记的联系电话不是手机号，不能选择" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_the_preferences_page_needs_a_sign_in(client):
    response = client.get(reverse("reports:channel_preferences"))
    assert response.status_code == 302 and "/login" in response["Location"]


# 群机器人 -----------------------------------------------------------------------------------------


def robot_form(cast, **changes) -> dict:
    form = {
        "department": str(cast.department.pk),
        "kind": "dingtalk",
        "name": "市场监管局质量工作群",
        "webhook_url": "https://oapi.dingtalk.com/robot/send?access_token=abc",
        "secret": SECRET,
    }
    form.update(changes)
    return form


def test_the_office_adds_a_robot_for_one_of_its_departments(client, cast):
    client.force_login(cast.office)
    response = client.post(reverse("reports:robot_list"), robot_form(cast))
    assert response.status_code == 302
    robot = GroupRobot.objects.get()
    assert (robot.jurisdiction, robot.department, robot.kind, robot.secret) == (
        cast.jurisdiction,
        cast.department,
        "dingtalk",
        SECRET,
    )
    event = AuditEvent.objects.get(action="robot.create")
    assert SECRET not in str(event.after) and "市市场监管局" in event.summary
    page = client.get(reverse("reports:robot_list")).content.decode()
    assert "市场监管局质量工作群" in page and SECRET not in page


HOSTILE = [
    ({"webhook_url": "javascript:alert(1)"}, "Webhook 地址：须为以 http:// 或 https:// 开头的网址"),
    ({"webhook_url": "file:///etc/passwd"}, "Webhook 地址：须为以 http:// 或 https:// 开头的网址"),
    ({"webhook_url": "ftp://example.cn/x"}, "Webhook 地址：须为以 http:// 或 https:// 开头的网址"),
    ({"webhook_url": "https://"}, "Webhook 地址：须为以 http:// 或 https:// 开头的网址"),
    ({"webhook_url": "https://a.cn/x\r\nHost: evil"}, "Webhook 地址：须为以 http:// 或 https:// 开头的网址"),
    ({"webhook_url": "https://a.cn/" + "x" * 500}, "Webhook 地址：不能超过500个字符"),
    ({"name": "群" * 101}, "群名称：不能超过100个字"),
    ({"name": "   "}, "群名称：请填写"),
    ({"secret": "S" * 201}, "加签密钥：不能超过200个字符"),
    ({"kind": "telegram"}, "渠道：请选择政务钉钉或企业微信"),
    ({"department": "9999999999999999999999"}, "部门：请选择本行政区的部门"),
]


@pytest.mark.parametrize(("changes", "message"), HOSTILE)
def test_hostile_robot_input_is_refused_in_chinese_and_nothing_saved(client, cast, changes, message):
    client.force_login(cast.office)
    response = client.post(reverse("reports:robot_list"), robot_form(cast, **changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not GroupRobot.objects.exists() and not AuditEvent.objects.filter(action="robot.create").exists()


def test_a_department_of_another_jurisdiction_is_refused(client, cast):
    foreign = DepartmentFactory(jurisdiction=cast.outsider_jurisdiction, name="乙市市场监管局")
    client.force_login(cast.office)
    response = client.post(reverse("reports:robot_list"), robot_form(cast, department=str(foreign.pk)))
    assert response.status_code == 400
    assert "部门：请选择本行政区的部门" in response.content.decode()
    assert not GroupRobot.objects.exists()


def test_the_service_refuses_a_foreign_department_too(cast):
    from qualitycity.errors import ApplicationError

    foreign = DepartmentFactory(jurisdiction=cast.outsider_jurisdiction, name="乙市市场监管局")
    with pytest.raises(ApplicationError, match="请选择本行政区的部门"):
        robot_create(
            actor=cast.office,
            jurisdiction=cast.jurisdiction,
            department=foreign,
            kind="wecom",
            name="x",
            webhook_url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1",
        )


def test_editing_keeps_the_secret_unless_cleared_and_reactivates(client, cast, robots):
    robot = robots["dingtalk"]
    client.force_login(cast.office)
    page = client.get(reverse("reports:robot_edit", args=[robot.pk])).content.decode()
    assert SECRET not in page
    form = robot_form(cast, name="新群名", secret="", webhook_url=robot.webhook_url)
    assert client.post(reverse("reports:robot_edit", args=[robot.pk]), form).status_code == 302
    robot.refresh_from_db()
    assert (robot.name, robot.secret, robot.is_active) == ("新群名", SECRET, False)
    form.update(clear_secret="on", is_active="on")
    client.post(reverse("reports:robot_edit", args=[robot.pk]), form)
    robot.refresh_from_db()
    assert (robot.secret, robot.is_active) == ("", True)


def test_a_hostile_edit_changes_nothing(client, cast, robots):
    robot = robots["wecom"]
    client.force_login(cast.office)
    response = client.post(
        reverse("reports:robot_edit", args=[robot.pk]),
        robot_form(cast, kind="wecom", webhook_url="javascript:x"),
    )
    assert response.status_code == 400
    robot.refresh_from_db()
    assert robot.webhook_url.endswith("/wecom?key=wk-1")


def test_the_office_deactivates_a_robot(client, cast, robots):
    client.force_login(cast.office)
    client.post(reverse("reports:robot_deactivate", args=[robots["wecom"].pk]))
    assert GroupRobot.objects.get(pk=robots["wecom"].pk).is_active is False
    assert AuditEvent.objects.filter(action="robot.deactivate").count() == 1


def test_a_test_message_is_queued_and_logged(
    client, cast, fake, robots, eager, django_capture_on_commit_callbacks
):
    Membership.objects.filter(user=cast.office).update(phone="13900001111")
    client.force_login(cast.office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:robot_test", args=[robots["office"].pk]), follow=True)
    assert "测试消息已排队发送" in response.content.decode()
    delivery = Delivery.objects.get()
    assert (delivery.robot, delivery.status, delivery.address) == (robots["office"], "sent", "13900001111")
    (post,) = fake.at("/dingtalk")
    assert "【测试消息】" in post.json["text"]["content"] and fake.problems == []


@pytest.mark.parametrize("who", ["liaison", "head", "leader"])
def test_people_other_than_the_office_are_refused_the_office_pages(client, cast, robots, who):
    client.force_login(getattr(cast, who))
    robot = robots["dingtalk"].pk
    assert client.get(reverse("reports:robot_list")).status_code == 403
    assert client.get(reverse("reports:delivery_list")).status_code == 403
    assert client.post(reverse("reports:robot_list"), robot_form(cast)).status_code == 403
    assert client.get(reverse("reports:robot_edit", args=[robot])).status_code == 403
    assert client.post(reverse("reports:robot_deactivate", args=[robot])).status_code == 403
    assert client.post(reverse("reports:robot_test", args=[robot])).status_code == 403
    assert GroupRobot.objects.filter(is_active=True).count() == 3
    assert not Delivery.objects.exists()


def test_another_jurisdictions_office_does_not_find_the_robots(client, cast, robots):
    client.force_login(cast.outsider_office)
    robot = robots["dingtalk"].pk
    assert client.get(reverse("reports:robot_edit", args=[robot])).status_code == 404
    assert client.post(reverse("reports:robot_edit", args=[robot]), robot_form(cast)).status_code == 404
    assert client.post(reverse("reports:robot_deactivate", args=[robot])).status_code == 404
    assert client.post(reverse("reports:robot_test", args=[robot])).status_code == 404
    # and asking for 甲市's list shows its own (乙市's, empty)
    page = client.get(reverse("reports:robot_list"), {"jurisdiction": cast.jurisdiction.pk}).content.decode()
    assert "乙市" in page and "市场监管局质量工作群" not in page
    log = client.get(
        reverse("reports:delivery_list"), {"jurisdiction": cast.jurisdiction.pk}
    ).content.decode()
    assert "乙市" in log
    assert GroupRobot.objects.get(pk=robot).is_active is True


def test_a_robot_cannot_be_moved_into_another_jurisdiction(client, cast, robots):
    other = DepartmentFactory(jurisdiction=cast.outsider_jurisdiction, name="乙市住建局")
    client.force_login(cast.office)
    response = client.post(
        reverse("reports:robot_edit", args=[robots["wecom"].pk]),
        robot_form(cast, kind="wecom", department=str(other.pk)),
    )
    assert response.status_code == 400
    assert GroupRobot.objects.get(pk=robots["wecom"].pk).department == cast.department


# 发送记录 ------------------------------------------------------------------------------------------


def log_rows(cast, robots, n: int) -> None:
    for k in range(n):
        user = UserFactory(username=f"r{n}-{k}", first_name=f"联络员{k}")
        note = Notification.objects.create(user=user, kind="test", title=f"通知{k}")
        Delivery.objects.create(
            notification=note,
            jurisdiction=cast.jurisdiction,
            channel=Channel.DINGTALK if k % 2 else Channel.SMS,
            robot=robots["dingtalk"] if k % 2 else None,
            address="13812345678",
            status=Delivery.Status.FAILED if k % 3 == 0 else Delivery.Status.SENT,
            attempts=5 if k % 3 == 0 else 1,
            last_error="对方返回 HTTP 500" if k % 3 == 0 else "",
        )


def test_the_log_shows_masked_phones_beijing_time_and_errors_newest_first(client, cast, robots):
    log_rows(cast, robots, 3)
    first = Delivery.objects.order_by("pk").first()
    Delivery.objects.filter(pk=first.pk).update(created_at=dt.datetime(2026, 11, 30, 16, 30, tzinfo=dt.UTC))
    # another jurisdiction's delivery is not shown
    note = Notification.objects.create(user=cast.outsider_office, kind="test", title="乙市的通知")
    Delivery.objects.create(
        notification=note, jurisdiction=cast.outsider_jurisdiction, channel="sms", address="13700000000"
    )
    client.force_login(cast.office)
    html = client.get(reverse("reports:delivery_list")).content.decode()
    assert "138****5678" in html and "13812345678" not in html
    assert "2026年12月1日 00:30" in html  # 16:30 UTC is half past midnight in Beijing
    assert "对方返回 HTTP 500" in html and "联络员0（r3-0）" in html
    assert "乙市的通知" not in html and "137****0000" not in html
    assert html.index("通知2") < html.index("通知1")


def test_the_log_filters_by_status_and_channel(client, cast, robots):
    log_rows(cast, robots, 6)  # k=0..5: failed at 0 and 3; DingTalk at 1, 3, 5
    client.force_login(cast.office)
    html = client.get(
        reverse("reports:delivery_list"), {"status": "failed", "channel": "dingtalk"}
    ).content.decode()
    assert "通知3" in html and "通知0" not in html and "通知1" not in html
    # a value that is no choice is ignored, not an error page
    assert client.get(reverse("reports:delivery_list"), {"status": "<script>"}).status_code == 200


def test_the_log_query_count_does_not_grow_with_rows(client, cast, robots, django_assert_max_num_queries):
    client.force_login(cast.office)
    log_rows(cast, robots, 3)
    client.get(reverse("reports:delivery_list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("reports:delivery_list"))
    log_rows(cast, robots, 40)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("reports:delivery_list")).status_code == 200
    assert len(many) == len(few)
    # session, user, roles (scope and header), the jurisdiction, the page's count and its rows
    # with person and robot joined, the header's unread notifications
    with django_assert_max_num_queries(10):
        client.get(reverse("reports:delivery_list"), {"page": "2"})


# A real worker on Redis -----------------------------------------------------------------------------


@pytest.fixture
def quick_retries(monkeypatch):
    """The worker started next retries after about 1, 2, 4, 8 seconds rather than minutes."""
    monkeypatch.setenv("CHANNEL_RETRY_BACKOFF", "1")
    monkeypatch.setenv("CHANNEL_TIMEOUT_SECONDS", "2")


@pytest.mark.worker
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="需要 REDIS_URL 指向 Redis（CI 会设置）")
def test_a_worker_retries_a_failing_post_then_logs_it_failed_and_sends_a_duplicate_once(
    quick_retries,
    celery,  # noqa: F811 - the fixture imported above
    fake,
    cast,
):
    from tests.test_celery_worker import wait_for

    robot = GroupRobot.objects.create(
        jurisdiction=cast.jurisdiction,
        department=cast.department,
        kind=Channel.WECOM,
        name="市场监管局企业微信群",
        webhook_url=f"{fake.base}/wecom?key=wk-1",
    )
    celery("worker")
    # given a group whose webhook answers 500
    fake.mode = "http500"
    failing = pending_delivery(cast, robot)
    # when the worker gets the delivery
    deliver.apply_async(args=[failing.pk], queue=celery.queue)
    # then it tries five times (the first and four retries) and logs the failure with the error

    def failed():
        failing.refresh_from_db()
        return failing.status == "failed"

    wait_for(failed, seconds=60, what="five tries then failed", logs=celery.logs)
    assert (failing.attempts, failing.last_error, len(fake.at("/wecom"))) == (5, "对方返回 HTTP 500", 5)
    # and a delivery handed to the worker twice is posted once
    fake.mode = "ok"
    twice = pending_delivery(cast, robot)
    first = deliver.apply_async(args=[twice.pk], queue=celery.queue)
    second = deliver.apply_async(args=[twice.pk], queue=celery.queue)
    assert (first.get(timeout=30), second.get(timeout=30)) == ("sent", "sent")
    twice.refresh_from_db()
    assert (twice.status, twice.attempts, len(fake.at("/wecom"))) == ("sent", 1, 6)
