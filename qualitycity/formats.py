"""How the portal prints numbers, the same on every page and in every file."""

from __future__ import annotations

from decimal import Decimal


def decimal_text(value: Decimal | int | float | str | None) -> str:
    """A number as a plan prints it: 93, 0.3, 96.8, never 93.0000 or 9.3E+1; None as ""."""
    if value is None or value == "":
        return ""
    return format(Decimal(str(value)).normalize(), "f")
