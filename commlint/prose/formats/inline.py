"""Shared inline helpers for formats: URLs and entities that are not prose."""

from __future__ import annotations

from commlint.matching import regex_cache

URL = regex_cache.compile(r"(?:https?://|www\.)[^\s<>\"'`]+?(?=[.,;:!?)\]]*(?:\s|$|[<>\"'`]))")
ENTITY = regex_cache.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def decode_entity(entity: str) -> str:
    """The text an HTML entity stands for (the entity itself when unknown)."""
    import html  # with its table of entities: ~3 ms of a start, for a document that has one

    return html.unescape(entity)
