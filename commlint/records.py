"""Plain records with what ``@dataclass`` gives: value equality, a ``Class(field=...)`` repr,
``replace()``, pickling and (``FrozenRecord``) a hash and frozen fields.

Creating a dataclass runs ~0.7M instructions of ``dataclasses`` code (~0.3 ms) at import, on
every cold start (issue 15); an internal class nothing uses as a dataclass (no
``dataclasses.fields()``, ``asdict()`` or ``replace()`` on it) is a record instead. A record
lists its fields in ``__slots__`` (in order) and writes its own ``__init__`` with
``set_fields``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import FrozenInstanceError
from operator import attrgetter
from typing import Any, ClassVar, TypeVar

_R = TypeVar("_R", bound="Record")


def set_fields(record: Record, **values: Any) -> None:
    """Set a record's fields (also a frozen one's: its ``__init__`` calls this)."""
    for name, value in values.items():
        object.__setattr__(record, name, value)


class Record:
    """A mutable record, like ``@dataclass``: equal to one of its own class with equal fields,
    unhashable, pickled as a call with its field values."""

    __slots__: tuple[str, ...] = ()
    #: every field, a base class's first (each class's ``__slots__`` lists only its own)
    _fields: ClassVar[tuple[str, ...]] = ()
    _values_of: ClassVar[Callable[[Any], tuple[Any, ...]]] = staticmethod(lambda record: ())

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields = tuple(f for c in reversed(cls.__mro__) for f in c.__dict__.get("__slots__", ()))
        cls._fields = fields
        if len(fields) > 1:  # one C call reads them all
            cls._values_of = staticmethod(attrgetter(*fields))
        elif fields:
            one = attrgetter(fields[0])
            cls._values_of = staticmethod(lambda record: (one(record),))

    def _values(self) -> tuple[Any, ...]:
        return type(self)._values_of(self)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            assert isinstance(other, Record)
            return self._values() == other._values()
        return NotImplemented  # (and, with __eq__ and no __hash__, unhashable as a mutable dataclass)

    def __repr__(self) -> str:
        inner = ", ".join(f"{f}={getattr(self, f)!r}" for f in self._fields)
        return f"{type(self).__qualname__}({inner})"

    def __reduce__(self) -> tuple[Any, ...]:  # pickled (``check --jobs``) as a call with its values
        return (type(self), self._values())

    def replace(self: _R, **changes: Any) -> _R:
        """A copy with ``changes`` (``dataclasses.replace``)."""
        values = dict(zip(self._fields, self._values(), strict=True))
        unknown = set(changes) - set(values)
        if unknown:
            raise TypeError(f"{type(self).__qualname__} has no field {sorted(unknown)[0]!r}")
        values.update(changes)
        return type(self)(**values)


class FrozenRecord(Record):
    """A frozen record, like ``@dataclass(frozen=True)``: hashed by its field values, and
    assigning or deleting a field raises ``dataclasses.FrozenInstanceError``."""

    __slots__ = ()

    def __hash__(self) -> int:
        return hash(self._values())

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")
