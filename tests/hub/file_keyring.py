"""A keyring backend for CLI subprocess tests only: a JSON file named by an env var."""

import json
import os

import keyring.backend


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
        d.pop(f"{service}/{username}", None)
        with open(self._path(), "w") as f:
            json.dump(d, f)
