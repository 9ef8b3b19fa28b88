"""All Qt imports go through here, so the binding is named in one place."""

from PySide6 import QtCore, QtGui, QtWidgets  # noqa: F401
from PySide6.QtCore import Qt, QObject, QThread, QTimer, Signal, Slot  # noqa: F401
