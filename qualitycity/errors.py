"""The one error type of the portal's rules.

A service that refuses an action raises ApplicationError with a translatable message (wrap it
in gettext_lazy at the raise site, with named placeholders); views and the middleware turn it
into what the user sees, the same way everywhere: a message on the page they came from, or a
JSON answer for the page's scripts, with the error's HTTP status.
"""

from __future__ import annotations


class ApplicationError(Exception):
    """A rule of the portal refused the action; the message says why, in the user's language."""

    status = 400

    def __init__(self, message, *, field: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        # The form field the message belongs to, where a form shows it beside the field.
        self.field = field
        if status is not None:
            self.status = status

    def __str__(self) -> str:
        return str(self.message)


class AccessRefused(ApplicationError):
    """The user may see the object but not do this to it (answered 403)."""

    status = 403


class Conflict(ApplicationError):
    """Someone else changed the object first, or its state no longer allows the action (409)."""

    status = 409


def form_refused(form, exc: ApplicationError) -> None:
    """A refusal shown on the form: beside the field it names, else above the fields."""
    form.add_error(exc.field if exc.field in form.fields else None, str(exc))


def form_apply(form, change):
    """Runs a change (a service call); a refusal becomes the form's error and None comes back."""
    try:
        return change()
    except ApplicationError as exc:
        form_refused(form, exc)
        return None
