"""Document formats: each builds the prose view of one kind of file."""

from __future__ import annotations

from pathlib import PurePath

#: File extensions of the built-in formats, used when walking directories.
EXTENSIONS: dict[str, str] = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".mkd": "markdown",
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
}


def format_for_path(path: str | None) -> str:
    """The built-in format name for a path (plain text when unknown)."""
    if not path:
        return "text"
    return EXTENSIONS.get(PurePath(path).suffix.lower(), "text")
