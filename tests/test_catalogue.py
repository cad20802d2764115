"""Every message the Python code marks for translation is in the English catalogue.

The catalogue test in test_i18n.py checks that each entry of the .po file has its English; this
one checks that the .po file has each message at all, so a message wrapped in gettext but never
extracted (and so shown in Chinese to an English reader) fails the suite.
"""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from django.conf import settings

APPS = (
    "qualitycity",
    "responsibilities",
    "programmes",
    "targets",
    "plandocs",
    "reports",
    "dashboards",
    "assessment",
    "interfaces",
)
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
}


def _python_messages() -> dict[str, str]:
    found = {}
    for app in APPS:
        root = Path(settings.BASE_DIR) / app
        for filename, _lineno, message, _comments, _context in extract_from_dir(
            root,
            method_map=[("**/tests/**.py", "ignore"), ("**/migrations/**.py", "ignore"), ("**.py", "python")],
            keywords=KEYWORDS,
        ):
            ids = message if isinstance(message, tuple) else (message,)
            for msgid in ids:
                if msgid:
                    found.setdefault(msgid, f"{app}/{filename}")
    return found


def test_every_message_marked_in_python_is_in_the_english_catalogue():
    with open(settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po", "rb") as f:
        catalogue = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    missing = {msgid: where for msgid, where in _python_messages().items() if msgid not in catalogue}
    assert missing == {}
