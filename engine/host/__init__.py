"""Engine host: each loaded model runs in its own process (see client.py, worker.py)."""
