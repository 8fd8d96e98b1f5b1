"""Modules imported on first use, for the hot paths that need them only sometimes."""

from __future__ import annotations

from functools import cache
from importlib import import_module
from types import ModuleType


@cache
def module(name: str) -> ModuleType:
    """The module ``name``, imported on first use: a function-level ``from ... import`` costs
    ~2 us on every call, this one dict look-up after the first, and a check that never needs
    the module never imports it."""
    return import_module(name)
