"""What the modules mypyc may compile need from mypy_extensions, with a stand-in when it is not
installed: it ships with mypy (a build requirement), not with commlint."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

_T = TypeVar("_T")

try:
    from mypy_extensions import mypyc_attr
except ImportError:  # an install without mypy: the marks only matter to mypyc

    def mypyc_attr(*attrs: str, **kwattrs: object) -> Callable[[_T], _T]:
        """The marks mypyc reads, ignored (a class decorated with them is left as it is)."""
        return lambda cls: cls


__all__ = ["mypyc_attr"]
