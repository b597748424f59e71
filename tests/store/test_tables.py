"""The schema is declared once, in foi.store.tables; the ORM classes map onto it."""

from __future__ import annotations

import typing
from datetime import date, datetime
from typing import Any, get_args, get_origin

import pytest
from sqlalchemy.orm import Mapped

from foi.store import models, tables

CLASSES = [
    cls
    for cls in vars(models).values()
    if isinstance(cls, type) and issubclass(cls, models.Base) and cls is not models.Base
]
PYTHON_TYPES = {
    "Integer": int,
    "BigInteger": int,
    "String": str,
    "Text": str,
    "Boolean": bool,
    "Float": float,
    "Date": date,
    "UTCDateTime": datetime,
    "LargeBinary": bytes,
}


def _column_annotations(cls: type) -> dict[str, Any]:
    """The class's annotations that name columns (relationships are mapped to classes)."""
    hints = typing.get_type_hints(cls, vars(models))
    out = {}
    for name, hint in hints.items():
        if get_origin(hint) is not Mapped:
            continue
        (inner,) = get_args(hint)
        if name in cls.__mapper__.relationships:
            continue
        out[name] = inner
    return out


def test_every_table_is_mapped_by_exactly_one_class() -> None:
    mapped = sorted(cls.__table__.name for cls in CLASSES)
    assert mapped == sorted(tables.metadata.tables)
    assert models.Base.metadata is tables.metadata


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_annotations_name_the_table_columns_with_their_types(cls: type) -> None:
    annotations = _column_annotations(cls)
    table = cls.__table__
    assert list(annotations) == [c.name for c in table.columns]
    for column in table.columns:
        hint = annotations[column.name]
        optional = type(None) in get_args(hint)
        assert optional == (column.nullable and not column.primary_key), column.name
        python = next(a for a in (get_args(hint) or (hint,)) if a is not type(None))
        expected = PYTHON_TYPES.get(type(column.type).__name__)
        if expected is not None:  # JSON columns are annotated with what they hold
            assert python is expected, column.name
