"""A module whose docstrings hold doctest examples.

>>> from app.ws import get_manager
>>> m = get_manager()
>>> m
<Manager from await get_manager()>

Prose is never changed: await get_manager() stays.
"""

from app.ws import get_manager


class Room:
    """A room.

    Example::

        >>> room = Room()
        >>> await room.join(get_manager())
        joined: await get_manager()
    """

    async def join(self, manager):
        return await manager.send("x")


async def handler():
    r'''A raw docstring: backslashes are themselves.

    >>> async def h():
    ...     print(get_manager(), "\n")
    ...
    '''
    manager = get_manager()
    return manager


def escaped():
    """An escape right after the await: \\t is a tab in the value.

    >>> x = get_manager()
    >>> x
    Manager()
    """


def not_a_docstring():
    x = 1
    """>>> await get_manager()"""
    return x
