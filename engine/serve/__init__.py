"""Hearth's models as a local OpenAI-compatible API (``python main.py serve``).

``worker``: the one thread that owns the ``EngineClient`` and runs requests
first come, first served. ``app``: the Starlette app (uvicorn serves it).
Starlette, uvicorn and sse-starlette come with the optional ``serve`` extra.
"""
