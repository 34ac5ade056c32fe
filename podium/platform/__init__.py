"""The app shell: users, auth, sessions, summits, jobs, mail, i18n. Imports no domain package."""

from starlette.convertors import IntegerConvertor, register_url_convertor


class _DatabaseId(IntegerConvertor):
    """`{x:int}` in a route matches at most 9 digits: every id fits a 32-bit column, so a longer number is a
    404 rather than an overflow in the database."""

    regex = "[0-9]{1,9}"


# Before any route is built (every route module imports this package first).
register_url_convertor("int", _DatabaseId())
