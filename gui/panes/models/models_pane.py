"""The Models pane: Welcome, Library, Discover (Hub search with fit), Downloads.

Threads: Hub calls run on ``HubWorker``'s QThread and come back as queued
signals (a newer request of the same kind drops the older result). The
``DownloadManager`` runs its own download thread; its listener callbacks are
forwarded through ``_DownloadRelay.jobUpdated`` (queued into the GUI thread)
and throttled to at most ~10 updates a second per job. The GUI thread only
does local, quick work (queue edits, deleting a file); the keyring is read on
the worker thread too (a locked keyring can wait on its unlock prompt).

Privacy: showing the pane, any of its sections or the Welcome page never goes
online. The Welcome page estimates fit from the catalogue shipped with Hearth;
the Hub is contacted only when the user searches, opens a repository, presses
"Check on Hugging Face" or Download. When the policy is offline (or invalid)
or ``HF_HUB_OFFLINE`` is set, those actions show the reason in the banner
instead of trying.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from engine.errors import HearthError
from engine.hub import token as hub_token
from gui.panes.models.discover_view import DiscoverView
from gui.panes.models.downloads_view import DownloadsView
from gui.panes.models.hub_worker import HubWorker, readable
from gui.panes.models.library_view import LibraryView
from gui.panes.models.token_dialog import TokenControl
from gui.panes.models.welcome_view import WelcomeView
from gui.engine_messages import translate as translate_message
from gui.qt import QObject, Qt, QtCore, QtWidgets, Signal
from gui.widgets.banner import Banner

SECTIONS = (QtCore.QT_TRANSLATE_NOOP("ModelsPane", "Welcome"), QtCore.QT_TRANSLATE_NOOP("ModelsPane", "Library"), QtCore.QT_TRANSLATE_NOOP("ModelsPane", "Discover"), QtCore.QT_TRANSLATE_NOOP("ModelsPane", "Downloads"))
UPDATE_INTERVAL_S = 0.1      # at most ~10 progress updates per second per job reach the GUI
SEARCH_LIMIT = 50


def machine_text(hw) -> str:
    """'8.6 GB of 17.2 GB RAM free · 8 threads · CPU only' for the side panel."""
    from gui.i18n import format_size as human_size

    def tr(text: str) -> str:
        return QtCore.QCoreApplication.translate("ModelsPane", text)

    lines = [QtCore.QCoreApplication.translate("ModelsPane", "{free} of {total} RAM free").format(free=human_size(hw.ram_available), total=human_size(hw.ram_total)),
             QtCore.QCoreApplication.translate("ModelsPane", "{cores} cores, {threads} threads").format(cores=hw.cpu_cores or "?", threads=hw.cpu_threads or "?")]
    if hw.gpu_offload and hw.gpus:
        for g in hw.gpus:
            lines.append(QtCore.QCoreApplication.translate("ModelsPane", "{gpu}: {free} free ({backend})").format(gpu=g.description or g.name,
                                                                   free=human_size(g.free_bytes), backend=hw.backend))
    else:
        lines.append(QtCore.QCoreApplication.translate("ModelsPane", "No GPU offload: models run on the CPU"))
    if hw.error:
        lines.append(hw.error)
    return "\n".join(lines)


class _DownloadRelay(QObject):
    """Lives in the GUI thread; emitted from the download thread, so delivery is queued."""

    jobUpdated = Signal(object)


class ModelsPane(QtWidgets.QWidget):
    modelDownloaded = Signal(str)          # path of a model that finished downloading
    sectionChanged = Signal(str)
    # For tests and the status bar: the result of each background request has been shown.
    searchFinished = Signal(list)
    repoFilesShown = Signal(str, bool)     # repo id, headers read (exact fit)
    curatedShown = Signal(list)            # the curated list with catalogue estimates (offline)
    curatedChecked = Signal(list)          # the curated list checked on Hugging Face (user asked)
    errorShown = Signal(str)

    def __init__(self, bridge, config, *, download_manager=None, hardware=None, curated_path=None,
                 catalogue_path=None, parent=None):
        super().__init__(parent)
        self.bridge = bridge
        self.config = config
        self.policy = config.policy
        self.curated_path = Path(curated_path) if curated_path else None
        self.catalogue_path = Path(catalogue_path) if catalogue_path else None
        self._curated: list = []
        self.entries: list = []
        self._hardware = hardware
        self._hw_lock = threading.Lock()
        self._library_seen = False
        self._curated_requested = False
        self._done_seen: set[str] = set()
        self._failed_seen: set[str] = set()
        self._last_emit: dict[str, tuple[float, str]] = {}
        self._shut = False
        self._start_downloads_with_token = False

        from engine.library import ModelLibrary

        self.library = ModelLibrary(config)   # the pane's own instance: imports run on the worker thread
        self.worker = HubWorker(self)
        self.worker.finished.connect(self._on_result)
        self.worker.failed.connect(self._on_failure)
        self._build()
        self._connect()
        self._init_downloads(download_manager)
        self.worker.submit("hardware", self.hardware)   # llama.cpp's device query, off the GUI thread
        self.show_section("Library")

    # ---- layout -------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QtWidgets.QHBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        left = QtWidgets.QVBoxLayout()
        self.nav = QtWidgets.QListWidget()
        self.nav.setObjectName("modelsNav")
        for name in SECTIONS:
            self.nav.addItem(self.tr(name))
        self.nav.setFixedWidth(190)
        self.nav.setStyleSheet("#modelsNav { font-size: 11pt; } #modelsNav::item { padding: 6px 8px; }")
        self.nav.setFixedHeight(self.nav.sizeHintForRow(0) * len(SECTIONS) + 2 * self.nav.frameWidth() + 4)
        self.nav.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        left.addWidget(self.nav)
        machine = QtWidgets.QGroupBox(self.tr("This machine"))
        machine.setFixedWidth(190)
        ml = QtWidgets.QVBoxLayout(machine)
        ml.setContentsMargins(8, 6, 8, 6)
        self.machine_label = QtWidgets.QLabel(self.tr("Checking memory and GPU…"))
        self.machine_label.setWordWrap(True)
        self.machine_label.setStyleSheet("color:#5f6368;")
        ml.addWidget(self.machine_label)
        left.addWidget(machine)
        left.addStretch(1)
        self.token = TokenControl()
        self.token.setFixedWidth(190)
        left.addWidget(self.token)
        outer.addLayout(left)

        right = QtWidgets.QVBoxLayout()
        self.banner = Banner()
        right.addWidget(self.banner)
        self.stack = QtWidgets.QStackedWidget()
        self.welcome = WelcomeView(self.config)
        self.library_view = LibraryView(self.config)
        self.discover = DiscoverView(self.config)
        self.downloads_view = DownloadsView(self.config)
        for w in (self.welcome, self.library_view, self.discover, self.downloads_view):
            self.stack.addWidget(w)
        right.addWidget(self.stack, 1)
        outer.addLayout(right, 1)

    def _connect(self) -> None:
        self.nav.currentRowChanged.connect(self._on_nav)
        self.bridge.libraryChanged.connect(self._on_library)
        lv = self.library_view
        lv.refreshRequested.connect(self.refresh_library)
        lv.importRequested.connect(self.import_file)
        lv.deleteRequested.connect(self.delete_model)
        lv.revealRequested.connect(self.reveal_model)
        d = self.discover
        d.searchRequested.connect(self.search)
        d.repoSelected.connect(self.open_repo)
        d.downloadRequested.connect(self._download_file)
        w = self.welcome
        w.downloadRequested.connect(self._download_curated)
        w.tryStarterRequested.connect(self._try_model)
        w.browseRequested.connect(self.browse_all)
        w.checkOnlineRequested.connect(self.check_curated_online)
        dv = self.downloads_view
        dv.pauseRequested.connect(lambda j: self._job_action("pause", j))
        dv.resumeRequested.connect(lambda j: self._job_action("resume", j))
        dv.cancelRequested.connect(lambda j: self._job_action("cancel", j))
        dv.removeRequested.connect(lambda j: self._job_action("remove", j))
        dv.orphanResumeRequested.connect(lambda f: self._orphan_action("resume_orphan", f))
        dv.orphanDeleteRequested.connect(lambda f: self._orphan_action("discard_orphan", f))
        self.token.failed.connect(self.show_error)
        self.token.tokenChanged.connect(self._on_token_changed)

    # ---- sections -------------------------------------------------------------------------
    def show_section(self, name: str) -> None:
        self.nav.setCurrentRow(SECTIONS.index(name))

    def current_section(self) -> str:
        return SECTIONS[self.stack.currentIndex()]

    def show_welcome(self) -> None:
        """Open the Welcome page (first run): the starter model and the curated list with fit."""
        self.show_section("Welcome")

    def _on_nav(self, row: int) -> None:
        if row < 0:
            return
        self.stack.setCurrentIndex(row)
        name = SECTIONS[row]
        if name == "Welcome":
            self.load_curated()   # catalogue estimates only: nothing goes online
        self.sectionChanged.emit(name)

    def browse_all(self) -> None:
        """"Browse all models…": Discover with the most downloaded GGUF models (the user asked: online)."""
        self.show_section("Discover")
        if not self.discover.results and "search" not in self.worker.busy_kinds:
            self.discover.request_search()

    @staticmethod
    def is_first_run(entries: list) -> bool:
        """True when the library holds only the starter model, or nothing usable."""
        return all(e.source == "starter" for e in entries if e.ok)

    # ---- banner ---------------------------------------------------------------------------
    def show_error(self, message: str) -> None:
        # Engine messages name the CLI command; in the app the token is set with the button.
        message = translate_message(message).replace(
            "python main.py token set", self.tr("the Set… button under “Hugging Face token” (left)"))
        self.banner.show_message(message[:1].upper() + message[1:], "error")
        self.errorShown.emit(message)

    def show_info(self, message: str) -> None:
        self.banner.show_message(message, "info")

    def refuse_offline(self) -> bool:
        """True (and the reason in the banner) when nothing may go online now."""
        block = self.policy.online_block()
        if block:
            self.banner.show_message(block[:1].upper() + block[1:] + ".", "warning")
            self.errorShown.emit(block)
            return True
        return False

    # ---- hardware (worker thread) -----------------------------------------------------------
    def hardware(self):
        with self._hw_lock:
            if self._hardware is None:
                from engine.hardware import detect

                self._hardware = detect()
            return self._hardware

    def _client(self):
        from engine.hub.api import HubClient

        return HubClient(self.config)

    # ---- background results ------------------------------------------------------------------
    def _on_result(self, req_id: int, kind: str, result) -> None:
        if kind == "search":
            self.discover.set_results(result)
            self.searchFinished.emit(result)
        elif kind in ("files", "fit"):
            if result is None or result.repo.repo_id != self._open_repo:
                return
            prev = self.discover.repo_files
            if kind == "fit" and prev is not None and prev.repo.repo_id == result.repo.repo_id:
                result.card = prev.card   # the card came with the quick listing
            self.discover.set_repo_files(result)
            if kind == "files":
                self.discover.file_note.setText(self.tr("Reading the file headers for exact estimates…"))
                repo_id = result.repo.repo_id
                self.worker.submit("fit", lambda: self._client().repo_files(
                    repo_id, hardware=self.hardware(), read_headers=True))
            self.repoFilesShown.emit(result.repo.repo_id, kind == "fit")
        elif kind == "catalogue":
            self.welcome.set_curated(result, hidden=self._curated_hidden)
            self.curatedShown.emit(result)
        elif kind == "curated_online":
            self.welcome.set_curated(result, hidden=self._curated_hidden)
            self.curatedChecked.emit(result)
        elif kind == "curated_download":
            repo_id, model, revision = result
            self._queue_download(repo_id, model, revision)
        elif kind == "hardware":
            self.machine_label.setText(machine_text(result))
        elif kind == "token":
            self._use_token(result)
        elif kind == "import":
            self.show_info(self.tr("{name} was added to the library.").format(name=result.name))
            self.refresh_library()

    def _on_failure(self, req_id: int, kind: str, message: str) -> None:
        what = {"search": self.tr("Searching the Hub failed"),
                "files": self.tr("Listing the repository's files failed"),
                "fit": self.tr("Reading the file headers failed"),
                "catalogue": self.tr("Estimating the suggested models failed"),
                "curated_online": self.tr("Checking the suggested models failed"),
                "curated_download": self.tr("The download could not start"),
                "import": self.tr("The model could not be imported"),
                "hardware": self.tr("Detecting the hardware failed"),
                "token": self.tr("Reading the Hugging Face token failed")}.get(kind, self.tr("That did not work"))
        if kind == "search":
            self.discover.search_failed(message)
        elif kind == "files":
            self.discover.files_failed(message)
        elif kind == "fit":
            self.discover.file_note.setText(self.tr("Estimates from file sizes only (headers unreadable)."))
        elif kind in ("catalogue", "curated_online"):
            self.welcome.curated_failed(message)
            self._curated_requested = False
        elif kind == "token":
            self._use_token(None)
        self.show_error(self.tr("{what}: {error}").format(what=what, error=translate_message(message)))

    # ---- Discover ----------------------------------------------------------------------------
    _open_repo: str | None = None

    def search(self, query: str = "", sort: str = "downloads") -> int | None:
        if not self.policy.allows("hub"):
            return None
        if self.refuse_offline():
            self.discover.search_failed(self.policy.online_block())
            return None
        return self.worker.submit("search", lambda: self._client().search(query, sort=sort,
                                                                         limit=SEARCH_LIMIT))

    def open_repo(self, repo_id: str) -> None:
        """List a repository's files (quickly, then with headers for exact fit) and its card."""
        if not self.policy.allows("hub") or self.refuse_offline():
            return
        self._open_repo = repo_id
        self.worker.submit("fit", lambda: None)    # drops a previous repository's header pass
        self.worker.submit("files", lambda: self._client().repo_files(
            repo_id, hardware=self.hardware(), read_headers=False, with_card=True))

    # ---- Welcome -----------------------------------------------------------------------------
    _curated_hidden = 0

    def load_curated(self, force: bool = False) -> None:
        """The suggested models with fit estimated from the catalogue, on the worker thread (no network)."""
        if self._curated_requested and not force:
            return
        from engine.hub.api import load_curated

        try:
            curated = load_curated(self.curated_path)
        except HearthError as e:
            self.welcome.curated_failed(str(e))
            return
        allowed = [c for c in curated if self.policy.repo_allowed(c.repo_id)]
        self._curated, self._curated_hidden = allowed, len(curated) - len(allowed)
        self.welcome.set_curated([{"curated": c.to_dict(), "entry": None, "error": None} for c in allowed],
                                 hidden=self._curated_hidden)
        self._curated_requested = True
        self.welcome.set_loading()
        catalogue_path = self.catalogue_path
        self.worker.submit("catalogue", lambda: self._curated_offline(allowed, catalogue_path))

    def _curated_offline(self, curated, catalogue_path) -> list[dict]:
        """Worker thread: the catalogue estimates (reads one local file; never the network)."""
        from engine.hub.catalogue import curated_offline, load_catalogue

        return curated_offline(curated, self.hardware(), load_catalogue(catalogue_path))

    def check_curated_online(self) -> None:
        """"Check on Hugging Face": the recommended files' real sizes and headers (the user asked)."""
        if not self.policy.allows("hub") or self.refuse_offline():
            return
        if not self._curated:
            self.load_curated(force=True)
        curated = list(self._curated)
        self.welcome.set_checking()
        self.worker.submit("curated_online", lambda: self._curated_with_fit(curated))

    def _curated_with_fit(self, curated) -> list[dict]:
        """Worker thread. Only the recommended file's header is read (not every quantization)."""
        from engine.errors import BadInputError, EngineError
        from engine.gguf_check import InvalidGGUF
        from engine.hub.fit import estimate_fit

        client, hw, rows = self._client(), self.hardware(), []
        for c in curated:
            row = {"curated": c.to_dict(), "entry": None, "error": None, "revision": None}
            try:
                files = client.repo_files(c.repo_id, read_headers=False)
                entry = files.find(quant=c.quant)
                try:
                    entry.header = client.read_header(c.repo_id, entry.model.first, files.revision)
                except (InvalidGGUF, EngineError) as e:
                    entry.header_error = str(e)
                entry.fit = estimate_fit(entry.model.size or 0, entry.header, hw)
                row.update(entry=entry, revision=files.revision)
            except (BadInputError, EngineError) as e:
                row["error"] = str(e)
            rows.append(row)
        return rows

    def _download_curated(self, row: dict) -> None:
        entry = row.get("entry")
        if entry is not None:
            self._queue_download(row["curated"]["repo_id"], entry.model, row.get("revision"))
            return
        # Estimated from the catalogue: the download needs the real file list (checksums) first.
        if self.downloads is None:
            self._queue_download(row["curated"]["repo_id"], None, None)   # says why not
            return
        if self.refuse_offline():
            return
        repo_id, quant = row["curated"]["repo_id"], row["curated"]["quant"]
        self.show_info(self.tr("Looking up the {quant} file of {repo} on Hugging Face…").format(quant=quant, repo=repo_id))

        def find():
            files = self._client().repo_files(repo_id, read_headers=False)
            entry = files.find(quant=quant)
            return repo_id, entry.model, files.revision

        self.worker.submit("curated_download", find)

    def _try_model(self, path: str) -> None:
        self.bridge.loadRequested.emit(path, self.policy.pin_load(dict(self.config.settings.get("load", {}) or {})))

    # ---- Library -----------------------------------------------------------------------------
    def _on_library(self, entries: list) -> None:
        self.entries = list(entries)
        self.library_view.set_entries(self.entries)
        self.welcome.set_starter(next((e for e in self.entries if e.source == "starter" and e.ok), None))
        if not self._library_seen:
            self._library_seen = True
            if self.is_first_run(self.entries):
                self.show_welcome()

    def refresh_library(self) -> None:
        self.bridge.refreshLibraryRequested.emit()

    def import_file(self, path: str, copy: bool = True) -> None:
        self.show_info((self.tr("Checking and copying {name}…") if copy else self.tr("Checking and adding {name}…")).format(
            name=Path(path).name))
        self.worker.submit("import", lambda: self.library.import_file(path, copy=copy))

    def delete_model(self, entry) -> None:
        try:
            self.library.delete(entry)
        except HearthError as e:
            self.show_error(self.tr("The model could not be deleted: {error}").format(error=translate_message(str(e))))
            return
        self.refresh_library()

    def reveal_model(self, entry) -> None:
        try:
            self.library.reveal(entry.path)
        except OSError as e:
            self.show_error(f"The file manager could not be opened ({e.strerror or e}); the file is at "
                            f"{entry.path}")

    # ---- Downloads ---------------------------------------------------------------------------
    def _init_downloads(self, manager) -> None:
        self.downloads = None
        self._relay = _DownloadRelay()
        self._relay.jobUpdated.connect(self._on_job, Qt.ConnectionType.QueuedConnection)
        if not self.policy.allows("downloads"):
            return
        if manager is None and self.policy.online_block():
            return   # offline: no download manager, so nothing queued earlier continues either
        if manager is None:
            from engine.hub.download import DownloadManager

            try:
                manager = DownloadManager(self.config, token=False)   # the token comes from the worker
            except HearthError as e:
                self.show_error(self.tr("Downloads are unavailable: {error}").format(error=translate_message(str(e))))
                return
            self._start_downloads_with_token = True
            self.worker.submit("token", hub_token.get_token)
        self.downloads = manager
        for job in manager.jobs():          # the queue of the previous run
            if job.state == "done":
                self._done_seen.add(job.id)
            if job.state == "failed":
                self._failed_seen.add(job.id)
            self.downloads_view.update_job(job)
        manager.add_listener(self._listener)
        if not self._start_downloads_with_token:
            manager.start()                 # queued and interrupted jobs continue
        self.refresh_orphans()

    def refresh_orphans(self) -> None:
        """List partial files whose queue entry was lost (a quick scan of one folder)."""
        if self.downloads is not None:
            self.downloads_view.set_orphans(self.downloads.find_orphan_partials())

    def _orphan_action(self, action: str, file: str) -> None:
        try:
            job = getattr(self.downloads, action)(file)
        except HearthError as e:
            self.show_error(str(e))
        else:
            if action == "resume_orphan":
                self.downloads_view.update_job(job)
                self.downloads_view.select_job(job.id)
        self.refresh_orphans()

    def _listener(self, job) -> None:
        """Download thread: forward state changes always, progress at most every 0.1 s."""
        now = time.monotonic()
        last = self._last_emit.get(job.id)
        if last is not None and last[1] == job.state and now - last[0] < UPDATE_INTERVAL_S:
            return
        self._last_emit[job.id] = (now, job.state)
        self._relay.jobUpdated.emit(job)

    def _on_job(self, job) -> None:
        if self._shut:
            return
        self.downloads_view.update_job(job)
        if job.state == "done" and job.id not in self._done_seen:
            self._done_seen.add(job.id)
            self.show_info(self.tr("{name} is downloaded, verified and in your library.").format(name=job.name))
            self.refresh_library()
            if job.final_path:
                self.modelDownloaded.emit(job.final_path)
        elif job.state == "failed":
            if job.id not in self._failed_seen:
                self._failed_seen.add(job.id)
                self.show_error(self.tr("Downloading {name} failed: {error}").format(
                    name=job.name, error=translate_message(job.error) if job.error else self.tr("unknown error")))
        else:
            self._failed_seen.discard(job.id)

    def _queue_download(self, repo_id: str, model, revision: str | None):
        if self.downloads is None:
            if not self.policy.allows("downloads"):
                self.show_error(self.tr("Downloading models is switched off by your administrator."))
            elif not self.refuse_offline():
                self.show_error(self.tr("Downloads are unavailable."))
            return None
        try:
            job = self.downloads.add(repo_id, model, revision)
        except HearthError as e:
            self.show_error(self.tr("{name} cannot be downloaded: {error}").format(name=model.name, error=translate_message(str(e))))
            return None
        self._done_seen.discard(job.id)
        self._failed_seen.discard(job.id)
        self.downloads_view.update_job(job)
        self.downloads_view.select_job(job.id)
        self.show_info(self.tr("Downloading {name}: follow it in Downloads.").format(name=job.name))
        return job

    def _download_file(self, file_entry, repo_files) -> None:
        self._queue_download(repo_files.repo.repo_id, file_entry.model, repo_files.revision)

    def download(self, repo_id: str, file_entry, revision: str | None = None):
        """Queue one GGUF model (a ``FileEntry`` or ``RemoteModel``); returns the job or None."""
        model = getattr(file_entry, "model", file_entry)
        return self._queue_download(repo_id, model, revision)

    def _job_action(self, action: str, job_id: str) -> None:
        if self.downloads is None:
            return
        try:
            getattr(self.downloads, action)(job_id)
        except (HearthError, KeyError) as e:
            self.show_error(f"Could not {action} the download: {readable(e)}")
            return
        if action == "remove" and job_id not in {j.id for j in self.downloads.jobs()}:
            self.downloads_view.remove_job(job_id)
            self.refresh_orphans()   # a failed download's partial file stays on offer

    def _on_token_changed(self) -> None:
        if self.downloads is not None:
            # The manager reads the token once; give it the new one (read off the GUI thread).
            self.worker.submit("token", hub_token.get_token)

    def _use_token(self, token: str | None) -> None:
        if self.downloads is not None:
            self.downloads._token = token or None
            if self._start_downloads_with_token:
                self._start_downloads_with_token = False
                self.downloads.start()      # queued and interrupted jobs continue, with the token

    # ---- shutdown ----------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Stop the Hub worker thread and the downloads (active ones resume at the next start)."""
        if self._shut:
            return
        self._shut = True
        self.token.calls.shutdown()
        self.worker.shutdown()
        if self.downloads is not None:
            self.downloads.remove_listener(self._listener)
            self.downloads.shutdown(wait=True, timeout=15)
