"""Hearth entry point: no arguments starts the desktop app, a command runs the CLI.

    python main.py                 # the app
    python main.py chat --model starter "Hello"
    python main.py --help          # every command
"""

import multiprocessing
import sys


def run() -> int:
    # The model host runs in a spawned child process; frozen builds
    # (PyInstaller) need this so the child runs the host, not the app.
    multiprocessing.freeze_support()
    args = sys.argv[1:]
    if not args or args[0] in ("gui", "--gui"):
        from gui.app import main as gui_main

        return gui_main(args[1:])
    from engine.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(run())
