"""Company inference servers as model sources (OpenAI-compatible HTTP API).

- ``endpoints``: the registry (user endpoints in the settings file, the
  administrator's in the policy), API keys in the OS keyring only.
- ``client``: ``RemoteAPI`` (HTTP, SSE, errors in one sentence, retries when
  busy) and ``RemoteClient`` (the ``EngineClient`` interface for a remote model).
- ``resolve``: ``NAME:MODEL_ID`` -> a remote model and its client.

Nothing here contacts a server until a remote model is used or an endpoint is
tested (``endpoints test``). No Qt.
"""
