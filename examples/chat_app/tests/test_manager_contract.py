import asyncio

import pytest

from chat_app.websocket_core import get_websocket_manager


def test_awaiting_the_sync_manager_is_an_error():
    async def go():
        with pytest.raises(TypeError, match="can't be used in 'await' expression"):
            await get_websocket_manager()

    asyncio.run(go())
