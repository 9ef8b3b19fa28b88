"""Keyring backends for CLI subprocess tests only: a JSON file named by an env var."""

import json
import os

import keyring.backend
from keyring.errors import KeyringError, PasswordDeleteError


class FileKeyring(keyring.backend.KeyringBackend):
    priority = 1

    def _path(self):
        return os.environ["HEARTH_TEST_KEYRING_FILE"]

    def _load(self):
        try:
            with open(self._path()) as f:
                return json.load(f)
        except FileNotFoundError:
            return {}

    def get_password(self, service, username):
        return self._load().get(f"{service}/{username}")

    def set_password(self, service, username, password):
        d = self._load()
        d[f"{service}/{username}"] = password
        with open(self._path(), "w") as f:
            json.dump(d, f)

    def delete_password(self, service, username):
        d = self._load()
        if f"{service}/{username}" not in d:
            # What the real backends (Secret Service, macOS, Windows) raise for "nothing stored".
            raise PasswordDeleteError("No such password!")
        d.pop(f"{service}/{username}")
        with open(self._path(), "w") as f:
            json.dump(d, f)


class RefusingFileKeyring(FileKeyring):
    """Stores and reads like FileKeyring but refuses every delete, as a locked keyring does."""

    def delete_password(self, service, username):
        raise KeyringError("the collection is locked")


class NotFoundOnDeleteFileKeyring(FileKeyring):
    """Says "no such password" on delete even when one is stored (a backend that cannot delete it)."""

    def delete_password(self, service, username):
        raise PasswordDeleteError("No such password!")
