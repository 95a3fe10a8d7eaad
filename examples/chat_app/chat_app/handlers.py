from chat_app.websocket_core.websocket_manager import (
    get_websocket_manager as manager_for,
    get_websocket_manager_async,
)


async def handle_join(user_id):
    manager = await manager_for()
    await manager.send_event(user_id, "joined")


async def handle_leave(user_id):
    # This one is the real coroutine: its await is right.
    manager = await get_websocket_manager_async()
    await manager.send_event(user_id, "left")


async def handle_ping(user_id, get_websocket_manager):
    # A parameter that happens to share the name: not the function.
    manager = await get_websocket_manager()
    return manager
