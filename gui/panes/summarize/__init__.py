"""Summarise pane: whole documents with the loaded model, with page citations."""
