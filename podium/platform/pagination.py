"""One page of a list: two queries (count and slice), whatever the list's length."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from tortoise import connections
from tortoise.models import Model

from podium.platform import db

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


async def paginate_table(model: type[T], *, order_by: str, page: int, size: int = PAGE_SIZE) -> Page[T]:
    """One page of a whole table as fixed SQL run through Tortoise's executor (model instances as usual).

    Hot lists use it because Tortoise spends ~120 µs of CPU building and copying a QuerySet per query
    (measured on the home page: 317 µs per page through the ORM, 195 µs this way). order_by is code,
    never user input."""
    size = min(max(1, size), MAX_PAGE_SIZE)
    number = max(1, page)
    table = model._meta.db_table
    rows_sql = f"SELECT * FROM {table} ORDER BY {order_by} LIMIT {db.bind_marker(1)} OFFSET {db.bind_marker(2)}"  # noqa: S608
    connection = connections.get("default")
    executor = connection.executor_class(model=model, db=connection)

    async def fetch(number: int) -> list[T]:
        rows: list[T] = await executor.execute_select(rows_sql, [size, (number - 1) * size])
        return rows

    items = await fetch(number)
    if 0 < len(items) < size or (number == 1 and not items):
        # A short page is the last one, so it tells the total: no COUNT query needed.
        return Page(items=items, number=number, size=size, total=(number - 1) * size + len(items))
    total = await model.all().count()
    last = max(1, -(-total // size))
    if number > last:  # past the end: show the last page
        number = last
        items = await fetch(number)
    return Page(items=items, number=number, size=size, total=total)
