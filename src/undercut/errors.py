"""The exception tree.

Policy: code raises the most specific ``UndercutError`` subclass with a message that names
the file, URL or field at fault, chaining the original (``raise ... from exc``). The CLI
maps ``InputError`` to exit code 2 and every other ``UndercutError`` to exit code 1; the API
maps them to HTTP statuses in one place. Anything else is a bug and is allowed to surface.
"""

from __future__ import annotations


class UndercutError(Exception):
    """Base of every error undercut raises on purpose."""


class InputError(UndercutError):
    """The user gave something unusable: a bad path, a malformed archive, an unknown race."""


class ArchiveError(InputError):
    """An archive cannot be read: missing, truncated, not a zip, missing a table."""


class ValidationError(InputError):
    """Data failed a validation check with severity ``error``."""

    def __init__(self, message: str, report: dict | None = None) -> None:
        super().__init__(message)
        self.report = report or {}


class NotFoundError(InputError):
    """A driver, race, season or model version that does not exist."""


class SourceError(UndercutError):
    """An external source failed: network error, HTTP error, malformed payload."""

    def __init__(self, message: str, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


class StorageError(UndercutError):
    """The lake's storage failed: an object store unreachable or refusing, a disk full."""


class WarehouseError(UndercutError):
    """The warehouse is missing or not in the state an operation needs."""


class ModelError(UndercutError):
    """Training, registry or inference problems (e.g. an empty registry)."""


class AuthError(UndercutError):
    """Missing, expired, forged or reused credentials, or a locked account."""


class PermissionDeniedError(UndercutError):
    """Signed in, but the account's role may not do this."""
