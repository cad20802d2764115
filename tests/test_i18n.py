"""Simplified Chinese by default, English when the user chooses it."""

from django.conf import settings
from django.urls import reverse


def test_pages_are_in_chinese_even_for_an_english_browser(client, cast):
    client.force_login(cast.office)
    html = client.get(reverse("programmes:plan_list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "工作方案" in html and "退出" in html
    assert 'lang="zh-hans"' in html


def test_choosing_english_switches_the_pages(client, cast):
    client.force_login(cast.office)
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("programmes:plan_list")}
    )
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get(reverse("programmes:plan_list")).content.decode()
    assert "Plans" in html and "Sign out" in html
    assert "退出" not in html


def test_every_english_message_is_translated():
    from babel.messages.pofile import read_po

    with open(settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po", "rb") as f:
        catalog = read_po(f)
    untranslated = [
        m.id for m in catalog if m.id and not all(m.string if isinstance(m.string, tuple) else [m.string])
    ]
    assert untranslated == []
    # a fuzzy entry is msgmerge's guess from a similar string, often wrong, and unused at run time;
    # a fuzzy header makes the compiler skip the whole catalogue
    assert [m.id for m in catalog if m.id and m.fuzzy] == []
    assert not catalog.fuzzy
