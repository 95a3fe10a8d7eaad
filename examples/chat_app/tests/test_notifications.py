import asyncio

from chat_app import notifications
from chat_app.websocket_core import get_websocket_manager


def test_notify_user():
    result = asyncio.run(notifications.notify_user("u1", "hi"))
    assert result["event"] == "notify"


def test_broadcast():
    assert len(asyncio.run(notifications.broadcast(["a", "b"], "ping"))) == 2


def test_manager_is_shared():
    async def go():
        first = await get_websocket_manager()
        second = await  get_websocket_manager()
        return first is second

    assert asyncio.run(go())
