"""Document formats: each builds the prose view of one kind of file."""

from __future__ import annotations

from pathlib import Path, PurePath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from commlint.source.decode import Source

#: File extensions of the built-in formats, used when walking directories. A config's
#: ``extensions`` table adds to (or overrides) these.
EXTENSIONS: dict[str, str] = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".mkd": "markdown",
    ".mdx": "mdx",
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".rst": "rst",
    ".rest": "rst",
    ".docx": "docx",
}

#: The formats commlint itself can read (plugins may add more).
FORMATS: tuple[str, ...] = ("markdown", "mdx", "text", "html", "rst", "docx")

#: Formats whose files are not UTF-8 text: they are read by their own reader.
BINARY_FORMATS: frozenset[str] = frozenset({"docx"})


def format_for_path(path: str | None, extensions: dict[str, str] | None = None) -> str:
    """The format name for a path: ``extensions`` first, then the built-ins (plain text when unknown)."""
    if not path:
        return "text"
    suffix = PurePath(path).suffix.lower()
    if extensions and suffix in extensions:
        return extensions[suffix]
    return EXTENSIONS.get(suffix, "text")


def decode_document(data: bytes, path: str | None, fmt: str) -> Source:
    """Bytes of a document in format ``fmt`` as a Source (UTF-8 text, or a .docx's paragraphs)."""
    if fmt == "docx":
        from commlint.prose.formats.docx import decode_docx

        return decode_docx(data, path)
    from commlint.source.decode import decode

    return decode(data, path)


def read_document(path: str | Path, fmt: str, max_size: int) -> Source:
    """Read a file of format ``fmt`` (at most ``max_size`` bytes) as a Source; problems are InputErrors."""
    from commlint.source.decode import read_bytes

    return decode_document(read_bytes(path, max_size), str(path), fmt)
