"""Hearth desktop GUI: thin PySide6 views over the engine (see gui/app.py)."""
