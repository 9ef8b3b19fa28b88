"""The Models pane: local library, Hub discovery, downloads and the first-run welcome."""
