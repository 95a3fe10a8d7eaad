from .websocket_manager import get_websocket_manager, get_websocket_manager_async

__all__ = ["get_websocket_manager", "get_websocket_manager_async"]
