"""The errors Storyline raises, as one tree.

::

    StorylineError
     ├── InputError        an input could not be read or made into an article
     │                     (carries ``source``: path, URL or record, and ``reason``)
     ├── StoreError        the store could not be opened, migrated or written
     ├── NotFound          a story, article or other record id is not in the store
     ├── ServiceError      an external service (abstractive endpoint) failed (``source``)
     └── ConfigError       a setting has a bad value (carries ``name``)

Errors become messages and exit codes only at the edges (CLI, API).
"""

from __future__ import annotations


class StorylineError(Exception):
    """Base of every error Storyline raises on purpose."""


class InputError(StorylineError):
    """An input could not be read or turned into an article."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class StoreError(StorylineError):
    """The store could not be opened, migrated or written."""


class NotFound(StorylineError):
    """A record id is not in the store."""

    def __init__(self, kind: str, ident: str) -> None:
        super().__init__(f"no {kind} with id {ident!r}")
        self.kind = kind
        self.ident = ident


class ServiceError(StorylineError):
    """An external service (e.g. the abstractive endpoint) failed or answered nonsense."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class ConfigError(StorylineError):
    """A setting has a bad value."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"setting {name}: {reason}")
        self.name = name
        self.reason = reason
