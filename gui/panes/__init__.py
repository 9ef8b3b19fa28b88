"""One folder per pane: chat, models (hub), summarize, compare."""
