"""A bounded memo for the pure functions the per-process resources call per token or name.

It lives on an object a process owns (the gazetteer, the actor table), never at module
level, and is emptied when full, so its memory is capped however many documents pass.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
_MISSING = object()


class BoundedMemo(Generic[K, V]):
    """``memo(key)`` is ``func(key)``, computed once per key until ``size`` keys are held."""

    __slots__ = ("func", "size", "_values")

    def __init__(self, func: Callable[[K], V], *, size: int):
        self.func = func
        self.size = size
        self._values: dict = {}

    def __call__(self, key: K) -> V:
        value = self._values.get(key, _MISSING)
        if value is _MISSING:
            if len(self._values) >= self.size:
                self._values.clear()
            value = self._values[key] = self.func(key)
        return value  # type: ignore[return-value]

    def __len__(self) -> int:
        return len(self._values)
