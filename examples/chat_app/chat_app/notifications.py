from chat_app.websocket_core import get_websocket_manager
from chat_app.websocket_core import websocket_manager as wsm


async def notify_user(user_id, message):
    # Needs the manager first: await get_websocket_manager() is the old way.
    manager = await get_websocket_manager()
    return await manager.send_event(user_id, "notify", message)


async def broadcast(user_ids, event):
    # The await here belongs to send_event(), which is async: leave it.
    results = []
    for user_id in user_ids:
        results.append(await get_websocket_manager().send_event(user_id, event))
    return results


async def connection_count():
    manager = await (
        wsm.get_websocket_manager()
    )
    return manager.connection_count()


async def counts_by_shard(shards):
    return {shard: (await get_websocket_manager()).connection_count() for shard in shards}
