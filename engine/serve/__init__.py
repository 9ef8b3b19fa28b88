"""Hearth's models as a local OpenAI-compatible API (``python main.py serve``).

``worker``: the one thread that owns the ``EngineClient`` and runs requests
first come, first served. ``app``: the Starlette app (uvicorn serves it).
``guard``: what reaches the app (Host, Origin, Content-Type, body size).
``listen``: the listening socket. ``background``: the app's switch.
Starlette, uvicorn and sse-starlette come with the optional ``serve`` extra.
"""
