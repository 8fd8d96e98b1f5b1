"""What the modules mypyc may compile need from mypy_extensions (it comes with mypy, a build
requirement, not with commlint)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

_T = TypeVar("_T")

if TYPE_CHECKING:  # what mypy and mypyc read: mypyc applies the marks when it compiles
    from mypy_extensions import mypyc_attr
else:  # at run time the marks do nothing (and mypy_extensions, installed or not, is not imported)

    def mypyc_attr(*attrs: str, **kwattrs: object) -> Callable[[_T], _T]:
        """The class, unchanged."""
        return lambda cls: cls


__all__ = ["mypyc_attr"]
