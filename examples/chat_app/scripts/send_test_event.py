#!/usr/bin/env python3
"""Send one event: python scripts/send_test_event.py USER EVENT"""
import asyncio
import sys

from chat_app.websocket_core import get_websocket_manager


async def main(user_id, event):
    manager = await get_websocket_manager()  # TODO: why does this fail?
    print(await manager.send_event(user_id, event))


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:3]))
