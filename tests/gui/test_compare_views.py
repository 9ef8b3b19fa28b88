"""The Compare pane is assembled from one view per job (gui/panes/compare/): the tabs are those views, and
the names tests and gui/ use on the pane are the views' own objects (read and written through the pane)."""

from __future__ import annotations

from gui.qt import QtWidgets
from tests.gui.test_i18n import ja_qm, japanese  # noqa: F401  (fixtures)


def test_the_tabs_are_the_views_and_the_pane_names_reach_them(qtbot, main_window):
    from gui.panes.compare.leaderboard import LeaderboardView
    from gui.panes.compare.question_sets import QuestionSetsView
    from gui.panes.compare.side_by_side import SideBySideView
    from gui.panes.compare.voting import VoteBar

    pane = main_window.compare_pane
    side, sets, board = pane.side_by_side_view, pane.question_sets_view, pane.leaderboard_view
    assert [type(pane.tabs.widget(i)) for i in range(pane.tabs.count())] == [SideBySideView, QuestionSetsView,
                                                                              LeaderboardView]
    assert [pane.tabs.widget(i) for i in range(pane.tabs.count())] == [side, sets, board]
    assert isinstance(side.vote_bar, VoteBar) and side.isAncestorOf(side.vote_bar)
    # Widgets and state: the view's own object, found through the pane.
    for name in ("prompt_edit", "run_button", "cancel_button", "max_tokens", "blind_box", "remote_note", "columns",
                 "vote_bar"):
        assert getattr(pane, name) is getattr(side, name), name
    for name in ("vote_buttons", "pair_left", "reveal_button", "vote_label"):
        assert getattr(pane, name) is getattr(side.vote_bar, name), name
    for name in ("board_table", "tag_combo", "refresh_button", "board_line"):
        assert getattr(pane, name) is getattr(board, name), name
    for name in ("eval_button", "results_table", "score_table", "chart", "set_info", "eval_progress"):
        assert getattr(pane, name) is getattr(sets, name), name
    assert pane.run.__self__ is side and pane.vote.__self__ is side.vote_bar
    assert pane.export_votes.__self__ is board and pane.add_question_set.__self__ is sets
    # Written through the pane, kept by the view.
    pane.sampling_overrides = {"ignore_eos": True}
    assert side.sampling_overrides == {"ignore_eos": True} and pane.sampling()["ignore_eos"] is True
    assert pane.round is None and pane.last_run is None and pane.last_eval is None
    # The object names style sheets and tests look for.
    assert pane.findChild(QtWidgets.QWidget, "compareBanner") is pane.banner
    assert pane.findChild(QtWidgets.QFrame, "voteBar") is side.vote_bar
    assert pane.findChild(QtWidgets.QLabel, "compareRemoteNote") is side.remote_note


def test_busy_state_spans_the_views(qtbot, main_window):
    """A question set going disables Run on the other tab and the model choices (and the reverse)."""
    pane = main_window.compare_pane
    sets = pane.question_sets_view
    assert pane.run_button.isEnabled() and pane.eval_button.isEnabled() and not pane.cancel_button.isEnabled()
    sets.eval_job = 99            # as while a set runs (no run is started here)
    try:
        pane.set_busy()
        assert not pane.run_button.isEnabled() and not pane.eval_button.isEnabled()
        assert sets.eval_cancel_button.isEnabled() and not pane.cancel_button.isEnabled()
        assert not any(r.isEnabled() for r in pane.model_rows) and not pane.order_combo.isEnabled()
        assert pane.blind_box.isEnabled()          # only a side-by-side run fixes it
        assert pane.run() is None                  # one job at a time
    finally:
        sets.eval_job = None
        pane.set_busy()
    assert pane.run_button.isEnabled() and all(r.isEnabled() for r in pane.model_rows)


def test_question_set_progress_speaks_the_interface_language(qtbot, japanese, main_window):  # noqa: F811
    """The progress bar's running count and the plan sentence were English in the Japanese interface."""
    view = main_window.compare_pane.question_sets_view
    view.eval_job, view._eval_names = 7, ["a", "b"]
    view._on_eval_event(7, {"type": "answer", "position": 0, "index": 0, "done_all": 2, "total_all": 6,
                            "text": "x", "correct": True, "error": None, "seconds": 0.1})
    assert view.eval_progress.format() == "2 / 6 件の回答"
    view._on_eval_event(7, {"type": "plan", "reason": "one after another, as chosen"})
    assert "one after another" not in view.eval_progress.format()
    view.eval_job = None


def _plan_reasons(model_a, model_b, model_c) -> list[str]:
    """Every kind of sentence engine/compare/plan.py gives, from real plans."""
    from engine.compare.plan import ModelSpec, plan_run

    GB = 10 ** 9
    two, three = [ModelSpec(model_a), ModelSpec(model_b)], [ModelSpec(model_a), ModelSpec(model_b),
                                                           ModelSpec(model_c)]
    return [plan_run(*args, **kw).reason for args, kw in [
        ((two,), dict(free_ram_bytes=16 * GB, cores=2)),                       # at the same time: both fit
        ((three,), dict(free_ram_bytes=16 * GB, cores=4)),                     # … all 3 fit
        ((two,), dict(free_ram_bytes=100 * 10 ** 6, cores=8)),                 # not enough memory
        ((two,), dict(free_ram_bytes=64 * GB, cores=1)),                       # 1 CPU core cannot be split
        ((three,), dict(free_ram_bytes=64 * GB, cores=2)),                     # 2 CPU cores …
        (([ModelSpec(model_a)],), dict(free_ram_bytes=16 * GB, cores=2)),      # one model
        ((two,), dict(free_ram_bytes=16 * GB, cores=2, force="sequential")),
        ((two,), dict(free_ram_bytes=16 * GB, cores=2, force="parallel")),
        ((two,), dict(free_ram_bytes=100 * 10 ** 6, cores=2, force="parallel")),
        ((three,), dict(free_ram_bytes=64 * GB, cores=2, force="parallel")),
    ]]


def test_every_plan_sentence_comes_out_in_japanese(japanese, models_dir):  # noqa: F811
    """The Compare pane's "Plan:" line and the question sets' progress show the planner's sentence; in the
    Japanese interface no English word of it may remain (sizes such as "1.2 GB" and "GPU"/"CPU" may)."""
    import re

    from gui.engine_messages import translate
    from tests.tiny_gguf import CHATML_TEMPLATE, make_tiny_gguf

    a, b, c = (make_tiny_gguf(models_dir / f"plan-{x}.gguf", chat_template=CHATML_TEMPLATE, seed=s)
               for x, s in (("a", 1), ("b", 2), ("c", 3)))
    reasons = _plan_reasons(a, b, c)
    assert len(set(reasons)) == len(reasons), reasons
    for reason in reasons:
        ja = translate(reason)
        left = [w for w in re.findall(r"[A-Za-z]{2,}", ja) if w not in ("GB", "MB", "KB", "GiB", "MiB", "GPU", "CPU")]
        assert not left, (reason, ja)
