"""The project's own exception classes. The CLI turns each into one line and exit code 2."""

from __future__ import annotations


class CommlintError(Exception):
    """Base class: a problem the user can fix, reported as one line."""


class InputError(CommlintError):
    """A document could not be read or decoded."""


class ConfigError(CommlintError):
    """A configuration file or rule pack is invalid."""


class UsageError(CommlintError):
    """The command line or an API call was used wrongly."""
