"""One page of a list: two queries (count and slice), whatever the list's length."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

T = TypeVar("T", bound=Model)
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1


async def paginate(queryset: QuerySet[T], *, page: int, size: int = PAGE_SIZE) -> Page[T]:
    size = min(max(1, size), MAX_PAGE_SIZE)
    total = await queryset.count()
    number = min(max(1, page), max(1, -(-total // size)))
    items = await queryset.offset((number - 1) * size).limit(size)
    return Page(items=list(items), number=number, size=size, total=total)
