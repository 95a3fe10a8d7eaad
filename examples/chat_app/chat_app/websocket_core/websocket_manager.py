"""The websocket manager.

`get_websocket_manager()` is synchronous: do not `await get_websocket_manager()`.
"""

import asyncio


class _UnifiedWebSocketManagerImplementation:
    def __init__(self):
        self.connections = {}

    async def send_event(self, user_id, event, payload=None):
        await asyncio.sleep(0)
        return {"user": user_id, "event": event, "payload": payload}

    def connection_count(self):
        return len(self.connections)


_MANAGER = _UnifiedWebSocketManagerImplementation()


def get_websocket_manager():
    return _MANAGER


async def get_websocket_manager_async():
    await asyncio.sleep(0)
    return _MANAGER
