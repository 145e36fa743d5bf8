"""Shared pieces of the one django-ninja API: cursor pages and error bodies."""

from typing import Generic, TypeVar

from ninja import Schema

from .pagination import KeysetPage

T = TypeVar("T")


class ErrorOut(Schema):
    message: str
    code: str
    errors: dict[str, list[str]] = {}


class PageOut(Schema, Generic[T]):
    items: list[T]
    next_cursor: int | None = None


def page_out(page: KeysetPage) -> dict:
    return {"items": page.items, "next_cursor": page.next_cursor}
