"""Reading a record a newer app wrote: the fields this app does not know are left out.

The models forbid unknown fields, and rightly for new writes (the server checks every push
that way): a typo must not pass as a field. A pulled record is another matter: a colleague's
newer app (or the server) may carry a field added after this app was released, and refusing it
would stop this app's sync until it is upgraded. So a pulled payload is trimmed to the fields
this app knows, nested models (a challenge's peers and timetable) likewise, before it is read;
when this app pushes the record back without them, the server's merge keeps their values
(server/merge.py, docs/SYNC.md "A field an app does not have yet")."""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel


@dataclass(frozen=True)
class _Shape:
    """What a model knows: its fields, and the model each nested field holds (or a list of)."""

    known: frozenset[str]
    nested: dict[str, type[BaseModel]]


def known_only(cls: type[BaseModel], data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` without the keys ``cls`` (and the models nested in it) does not know. Most
    payloads carry only known keys and no nested models: then only one set comparison."""
    shape = _shape(cls)
    if data.keys() <= shape.known and not shape.nested:
        return dict(data)
    out = {k: v for k, v in data.items() if k in shape.known}
    for name, model in shape.nested.items():
        value = out.get(name)
        if isinstance(value, Mapping):
            out[name] = known_only(model, value)
        elif isinstance(value, list):
            out[name] = [known_only(model, v) if isinstance(v, Mapping) else v for v in value]
    return out


@cache
def _shape(cls: type[BaseModel]) -> _Shape:
    nested: dict[str, type[BaseModel]] = {}
    for name, info in cls.model_fields.items():
        models = _models_in(info.annotation)
        if len(models) == 1:
            nested[name] = models[0]
    return _Shape(frozenset(cls.model_fields), nested)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The models a field's annotation holds directly, optionally or in a list or tuple."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _models_in(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, list, tuple):
        found: list[type[BaseModel]] = []
        for arg in typing.get_args(annotation):
            found += [m for m in _models_in(arg) if m not in found]
        return found
    return []
