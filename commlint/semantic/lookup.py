"""Look-ups in a model's sorted key lists: by bisection at first, through a dict once it pays.

A one-file check looks up a few hundred tokens, so building dicts of the model's 125,000 keys
(about 25 ms) would cost more than the look-ups themselves. A ``SortedLookup`` bisects its
sorted list until it has made BUILD_AFTER look-ups per key, then builds the dict: a ski
rental, with the switch set earlier than the break-even (see BUILD_AFTER).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import repeat
from typing import Any, Generic, TypeVar, cast, overload

K = TypeVar("K", str, int)

#: look-ups per key of the list before the dict is built. A bisection costs about what adding
#: five keys to a dict does, so 0.2 would be the textbook break-even; 0.05 still lets a one-file
#: check of a 1,000-word release bisect every list (about 1,000 pair and 500 word look-ups),
#: and moves the building into a process's first few documents instead of its first dozen
BUILD_AFTER = 0.05


#: bisection probes into a ``LazyLines`` before it is split into a list: a probe decodes one line
#: (about 0.4 us more than a list's), splitting a 32,000-line list costs about 3 ms
SPLIT_AFTER = 4000


class LazyLines(Sequence[str]):
    """A sorted list of lines kept as the model file's bytes: the i-th line is decoded when asked.

    A one-file check asks a few hundred of the piece and unigram lists' 45,000 lines, so it
    never pays for splitting them into strings; ``SortedLookup`` swaps in the split list once the
    probes would have cost about as much (``SPLIT_AFTER``). ``offsets`` holds each line's start
    and, last, the end of the text plus one (lines are joined by single newlines).
    """

    __slots__ = ("_blob", "_start", "_offsets", "probes")

    def __init__(self, blob: Any, start: int, offsets: Sequence[int]) -> None:
        self._blob = blob
        self._start = start
        self._offsets = offsets
        self.probes = 0

    def __len__(self) -> int:
        return len(self._offsets) - 1

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> list[str]: ...
    def __getitem__(self, i: int | slice) -> str | list[str]:
        if isinstance(i, slice):
            return self.tolist()[i]
        self.probes += 1
        at, offsets = self._start, self._offsets
        return str(self._blob[at + offsets[i] : at + offsets[i + 1] - 1], "utf-8")

    def __iter__(self) -> Iterator[str]:
        return iter(self.tolist())

    def tolist(self) -> list[str]:
        """Every line, split in one pass."""
        if len(self) == 0:
            return []
        return str(self._blob[self._start : self._start + self._offsets[-1] - 1], "utf-8").split("\n")


class SortedLookup(Generic[K]):
    """``keys`` (sorted, distinct) to ``values`` (position for position)."""

    __slots__ = ("keys", "values", "_dict", "_budget")

    def __init__(self, keys: Sequence[K], values: Sequence[int]) -> None:
        if len(keys) != len(values):
            raise ValueError(f"{len(keys)} keys but {len(values)} values")
        self.keys: Sequence[K] = keys
        self.values: Sequence[int] = values
        self._dict: dict[K, int] | None = None
        self._budget = BUILD_AFTER * len(keys)

    @classmethod
    def from_dict(cls, mapping: dict[K, int]) -> SortedLookup[K]:
        """A look-up whose dict is already built (training, where every key is looked up)."""
        keys = sorted(mapping)
        out = cls(keys, [mapping[k] for k in keys])
        out._dict = mapping
        return out

    def __len__(self) -> int:
        return len(self.keys)

    def mapping(self) -> dict[K, int]:
        """The dict of every key (built now if not yet)."""
        if self._dict is None:
            self._dict = dict(zip(self.keys, self.values, strict=True))  # a C loop
        return self._dict

    def get_many(self, wanted: Iterable[K], default: int) -> list[int]:
        """The value of each key in ``wanted``, or ``default``."""
        found = self._dict
        if found is None:
            wanted = list(wanted)
            self._budget -= len(wanted)
            if self._budget >= 0:
                return self._bisect_many(wanted, default)
            found = self.mapping()
        return list(map(found.get, wanted, repeat(default)))

    def _bisect_many(self, wanted: list[K], default: int) -> list[int]:
        # One loop in one frame: a look-up through ``find`` costs two Python calls more than
        # the bisection itself, and a cold check makes about 1,600 of them.
        keys, values, n = self._split_if_paid(), self.values, len(self.keys)
        out: list[int] = []
        add = out.append
        for key in wanted:
            i = bisect_left(keys, key)
            add(values[i] if i < n and keys[i] == key else default)
        return out

    def getter(self, expected: int) -> Callable[[K], int | None]:
        """A ``get`` for about ``expected`` look-ups: the dict's own once it exists (or pays)."""
        if self._dict is None:
            self._budget -= expected
            if self._budget >= 0:
                return self.find
        return self.mapping().get

    def find(self, key: K) -> int | None:
        keys = self._split_if_paid()
        i = bisect_left(keys, key)
        return self.values[i] if i < len(keys) and keys[i] == key else None

    def _split_if_paid(self) -> Sequence[K]:
        keys = self.keys
        if type(keys) is LazyLines and keys.probes > SPLIT_AFTER:
            # (K is str here: a LazyLines holds lines; mypyc checks the assignment without the narrowing)
            keys = self.keys = cast("Sequence[K]", keys.tolist())
        return keys
