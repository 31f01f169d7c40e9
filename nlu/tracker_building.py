"""Rasa's trackers built with less work and the same result: event classes found by name from
a table, and slots copied without the generic copy machinery.

Why: the Rasa server builds trackers all the time: it reads each conversation back from the
tracker store (every event turned back into an object) and copies the tracker for every
policy's view of the past. In a profiled pension turn (py-spy, docs/benchmarks.md):
- `Event.resolve_by_type` lists every subclass of Event, recursively with an abstract-class
  check for each, to find the one class with a name: 0.08 ms an event, 4 % of the busy time;
- `DialogueStateTracker.__init__` copies each of the domain's slots with `copy.copy`, which
  goes through `__reduce_ex__` and `copy._reconstruct` for a plain object: 14 %.

The event classes and their names do not change while the server runs, so names are looked
up in a table built by the same walk in the same order (the first class with a name wins, as
in Rasa); a name not in the table builds it again, so a class imported later is found. A
slot is copied as `copy.copy` copies a plain object (a new instance of its class, its
attributes shallow-copied), directly; a slot class with its own copy or pickling methods
keeps `copy.copy`.

Installed by nlu/rasa_main.py for `rasa run` and `rasa test`;
tests/nlu/components/test_rasa_shortcuts.py compares both with Rasa's own.
"""

from __future__ import annotations

import copy
from typing import Any, Callable, Dict, Optional, Type

import rasa.shared.utils.common
from rasa.shared.core.events import Event
from rasa.shared.core.slots import Slot

_ORIGINAL_RESOLVE: Callable[..., Optional[Type[Event]]] = Event.resolve_by_type
_BY_NAME: Dict[str, Type[Event]] = {}
# What a class may define that makes copy.copy do more than copy its attributes (a class's
# own __copy__ is called by copy.copy instead of this module's, so it never gets here).
_COPY_HOOKS = ("__reduce_ex__", "__reduce__", "__getstate__", "__setstate__")


def _table() -> Dict[str, Type[Event]]:
    table: Dict[str, Type[Event]] = {}
    for cls in rasa.shared.utils.common.all_subclasses(Event):
        table.setdefault(cls.type_name, cls)
    return table


def resolve_by_type(type_name: str, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
    """`Event.resolve_by_type`, from the table."""
    found = _BY_NAME.get(type_name)
    if found is None:
        _BY_NAME.clear()
        _BY_NAME.update(_table())
        found = _BY_NAME.get(type_name)
    if found is not None:
        return found
    return _ORIGINAL_RESOLVE(type_name, default)  # Rasa's own answer for a name no class has


def _plain(cls: type) -> bool:
    """Whether copy.copy would copy an instance of cls as a plain object."""
    return all(getattr(cls, hook, None) is getattr(object, hook, None) for hook in _COPY_HOOKS)


_PLAIN: Dict[type, bool] = {}


def copy_slot(slot: Slot) -> Slot:
    """`copy.copy(slot)`, directly."""
    cls = type(slot)
    plain = _PLAIN.get(cls)
    if plain is None:
        plain = _PLAIN[cls] = _plain(cls)
    if not plain:
        return _reduced_copy(slot)
    new = cls.__new__(cls)
    new.__dict__.update(slot.__dict__)
    return new


def _reduced_copy(slot: Any) -> Any:
    """What copy.copy does for a class with its own pickling hooks."""
    return copy._reconstruct(slot, None, *slot.__reduce_ex__(4))


def install() -> None:
    Event.resolve_by_type = staticmethod(resolve_by_type)
    Slot.__copy__ = copy_slot
