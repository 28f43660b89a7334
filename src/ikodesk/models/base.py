"""Declarative base, naming convention and column types shared by the models."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import JSON, Enum, MetaData, event
from sqlalchemy.orm import DeclarativeBase, Mapper

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON}


@event.listens_for(Mapper, "before_configured")
def _every_model_declared() -> None:
    """Before the mappers are configured, every model module is loaded (a module that
    imported one directly, `ikodesk.models.cases`, finds each relationship's target)."""
    from ikodesk.models import load_all

    load_all()


def enum_column_type(enum_cls: type[StrEnum]) -> Enum:
    """A VARCHAR with a CHECK constraint holding the enum's exchange-format value."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        length=max(len(m.value) for m in enum_cls) + 8,
        values_callable=lambda cls: [m.value for m in cls],
        name=enum_cls.__name__.lower(),
    )
