"""The to-do home's sections owned by apps the home cannot import (plan imports awaiting
confirmation, appeals awaiting a decision): each app registers a reader when it is ready and
the home asks every reader in turn."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class TodoLink:
    """One waiting item: what it is, where to act on it, and who left it when."""

    label: str
    url: str
    note: str = ""
    when: dt.datetime | None = None


@dataclass(frozen=True)
class TodoSection:
    """A titled list of links on the home page; `more` counts those left off the list."""

    key: str
    title: str
    links: tuple[TodoLink, ...]
    order: int = 100
    more: int = 0

    @property
    def total(self) -> int:
        return len(self.links) + self.more


# reader(user=..., scope=..., today=...) -> TodoSection | None; scope is the user's
# responsibilities.scope.Scope, so a reader for office work costs nothing for anyone else.
TodoReader = Callable[..., "TodoSection | None"]
_readers: dict[str, TodoReader] = {}


def todo_register(key: str, reader: TodoReader) -> None:
    """An app adds its section to the home (once per key, so a reloaded app does not repeat it)."""
    _readers[key] = reader


def todo_sections(*, user, scope, today: dt.date) -> list[TodoSection]:
    """Every registered app's waiting items for the user, in each section's order; empty ones left out."""
    sections = [reader(user=user, scope=scope, today=today) for reader in _readers.values()]
    return sorted((s for s in sections if s and s.links), key=lambda s: (s.order, s.key))
