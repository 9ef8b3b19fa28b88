"""Every sentence the engine raises is in the GUI's translation catalogue (gui/engine_messages.py), or is
listed below as one a GUI user never meets: a CLI-only sentence ("cli") or a programming error ("internal").

The engine is walked with ``ast`` (engine/commands and engine/cli.py are the CLI's own and are skipped):
each ``raise SomethingError("...")`` whose sentence is a literal or an f-string is rendered with sample
values for its variable parts and must be known to ``engine_messages.is_known`` — so a new engine sentence
that a Japanese user could see in English fails here until it is translated or allow-listed.
"""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "engine"
SAMPLE = "X1"

# Realistic values for the f-string parts whose text the catalogue spells out, by (file, expression):
# a part that is itself "<file> line <n>" or "model '<id>'", or that takes one of a few fixed phrases.
SAMPLES = {
    ("engine/compare/questions.py", "where"): ["questions.jsonl line 3"],
    ("engine/remote/client.py", "what"): ["model 'demo'"],
    ("engine/hub/api.py", "what"): ["browsing the Hugging Face Hub", "downloading models"],
}

# Sentences a GUI user cannot meet: (file, the start of the sentence with "{}" for each variable part, why).
# Matched by file and start, not by line, so moving code does not break the list.
ALLOWED = [
    ("engine/chat.py", "the chat template changed the message text", "internal"),
    ("engine/compare/__init__.py", "module 'engine.compare' has no attribute", "internal"),
    ("engine/compare/evaluate.py", "--max-tokens must be at least 1", "cli"),
    ("engine/compare/leaderboard.py", "a vote's outcome must be one of", "internal"),
    ("engine/compare/leaderboard.py", "the number of bootstrap resamples must be", "cli"),
    ("engine/compare/leaderboard.py", "the confidence level must be between 0 and 1", "cli"),
    ("engine/compare/plan.py", "the plan must be auto, parallel or sequential", "cli"),
    ("engine/documents/pdf.py", "PdfWorkers used after close()", "internal"),
    ("engine/compare/questions.py", "unknown rule {}", "internal"),
    ("engine/compare/storage.py", "a comparison result must be a ModelResult or a dict", "internal"),
    ("engine/compare/storage.py", "give one label per model", "internal"),
    ("engine/compare/storage.py", "unknown evaluation status", "internal"),
    ("engine/compare/votes.py", "the vote needs the {} model's name", "internal"),
    ("engine/compare/votes.py", "a vote's outcome must be one of", "internal"),
    ("engine/compare/votes.py", "there is no vote {}", "cli"),
    ("engine/compare/votes.py", "there is no comparison {}", "cli"),
    ("engine/compare/votes.py", "there is no column {} in this comparison", "internal"),
    ("engine/compare/votes.py", "the model names stay hidden until the vote", "internal"),
    ("engine/host/budget.py", "could not lock a new core lease", "internal"),
    ("engine/host/fairlock.py", "cannot release a FairRLock held by another thread", "internal"),
    ("engine/hub/api.py", "{} has several GGUF files; name one or pass --quant", "cli"),
    ("engine/hub/api.py", "{} has no {} file; quantizations available", "cli"),
    ("engine/hub/api.py", "sort must be one of", "internal"),
    ("engine/hub/api.py", "limit must be between 1 and 1000", "internal"),
    ("engine/hub/download.py", "{} is not the name of a partial download (see `python main.py downloads`)", "cli"),
    ("engine/hub/download.py", "{} has no record of the repository it came from; resume it with `python main.py",
     "cli"),
    ("engine/hub/download.py", "download paused; run the same command again to resume", "cli"),
    ("engine/hub/download.py", "no download {}", "internal"),
    ("engine/library.py", "no model named {} in the library", "cli"),
    ("engine/plan.py", "unknown KV cache type", "cli"),
    ("engine/relocate.py", "the move was cancelled", "internal"),   # shown as "…; your data is still in …"
    ("engine/resources.py", "not a resource name", "internal"),
    ("engine/store.py", "message statistics must be a JSON object", "internal"),
    ("engine/store.py", "the {} cannot be saved: {}", "internal"),
    ("engine/store.py", "conversation settings must be a JSON object", "internal"),
    ("engine/store.py", "a message role must be system, user or assistant", "internal"),
    ("engine/summarize/chunking.py", "no room for document text in the context", "internal"),
    ("engine/summarize/prompts.py", "length must be one of", "internal"),
    ("engine/summarize/prompts.py", "form must be one of", "internal"),
    ("engine/summarize/prompts.py", "language must be one of", "internal"),
]


def _alternatives(expr: ast.expr, file: str) -> list[str]:
    """The sample texts a formatted part stands for."""
    key = (file, ast.unparse(expr))
    if key in SAMPLES:
        return SAMPLES[key]
    if isinstance(expr, ast.IfExp):
        body, orelse = _render(expr.body, file), _render(expr.orelse, file)
        if body is not None and orelse is not None:
            return body + orelse
    return [SAMPLE]


def _render(node: ast.expr, file: str) -> list[str] | None:
    """Every sentence a literal / f-string / concatenation renders to with the samples; None if not text."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        parts = [[v.value] if isinstance(v, ast.Constant) else _alternatives(v.value, file) for v in node.values]
        return ["".join(p) for p in itertools.product(*parts)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _render(node.left, file), _render(node.right, file)
        if left is None or right is None:
            return None
        return [a + b for a in left for b in right]
    return None


def _shape(node: ast.expr) -> str:
    """The sentence with "{}" for every variable part (what ALLOWED entries start with)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _shape(node.left) + _shape(node.right)
    return "{}"


def _raised_sentences() -> list[tuple[str, int, str, list[str]]]:
    """(file, line, shape, rendered sentences) for every raise of an ...Error with a text sentence."""
    out = []
    for p in sorted(ENGINE.rglob("*.py")):
        rel = p.relative_to(ROOT).as_posix()
        if rel.startswith("engine/commands/") or rel == "engine/cli.py":
            continue
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args):
                continue
            f = node.exc.func
            name = f.id if isinstance(f, ast.Name) else getattr(f, "attr", "")
            if not name.endswith("Error"):
                continue
            texts = _render(node.exc.args[0], rel)
            if texts is not None:
                out.append((rel, node.lineno, _shape(node.exc.args[0]), texts))
    return out


def _allowed(file: str, shape: str) -> bool:
    return any(file == f and shape.startswith(start) for f, start, _ in ALLOWED)


def test_every_engine_sentence_is_in_the_catalogue_or_allow_listed():
    from gui import engine_messages as em

    sites = _raised_sentences()
    assert len(sites) > 250, "the walk over engine/ found too few raise sites"
    missing = [f"{file}:{line}: {text}" for file, line, shape, texts in sites if not _allowed(file, shape)
               for text in texts if not em.is_known(text)]
    assert missing == [], "engine sentences a GUI user could meet untranslated:\n" + "\n".join(missing)


def test_the_allow_list_has_no_stale_entries():
    """Each allow-listed sentence is still raised (the list cannot rot) and has a one-word reason."""
    sites = _raised_sentences()
    stale = [(f, start) for f, start, _ in ALLOWED
             if not any(file == f and shape.startswith(start) for file, _, shape, _ in sites)]
    assert stale == []
    assert {why for _, _, why in ALLOWED} <= {"cli", "internal"}
    assert len({(f, s) for f, s, _ in ALLOWED}) == len(ALLOWED)


def test_the_walk_renders_sample_values_and_alternatives():
    """The walk itself: an f-string part becomes a sample, a conditional part gives every branch."""
    tree = ast.parse('f"{a} line {b}: x" + "y"', mode="eval").body
    assert _shape(tree) == "{} line {}: xy"
    assert _render(tree, "engine/demo.py") == ["X1 line X1: xy"]
    assert _render(ast.parse('"a" + name', mode="eval").body, "engine/demo.py") is None   # not a sentence
    cond = ast.parse('f"it {\'was\' if c else \'is\'} {w}"', mode="eval").body
    assert sorted(_render(cond, "engine/demo.py")) == ["it is X1", "it was X1"]
    assert _allowed("engine/hub/download.py", "download paused; run the same command again to resume")
    assert not _allowed("engine/hub/api.py", "download paused; run the same command again to resume")


# ---- real sentences, raised by the engine, shown in Japanese ------------------------------------------
@pytest.fixture
def japanese(qapp):
    from gui import i18n

    qm = i18n.compile_translation("ja")
    assert qm is not None and qm.is_file()
    assert i18n.install_translation(qapp, "ja") == "ja"
    try:
        yield
    finally:
        assert i18n.install_translation(qapp, "en") == "en"


def _raised(fn) -> str:
    from engine.errors import HearthError

    with pytest.raises(HearthError) as e:
        fn()
    return str(e.value)


def test_new_engine_sentences_come_out_in_japanese(japanese, tmp_path):
    from types import SimpleNamespace

    from engine.compare.questions import load_question_set
    from engine.compare.votes import BlindRound
    from engine.config import Policy
    from engine.endpoint_spec import Endpoint
    from engine.remote.client import RemoteAPI
    from engine.remote.endpoints import check_name, check_url
    from engine.serve.background import check_request
    from engine.store import Store
    from engine.summarize import Summarizer
    from engine.summarize.prompts import SummaryOptions
    from gui import engine_messages as em

    bad_json = tmp_path / "quiz.jsonl"
    bad_json.write_text('{"id": "1", "prompt": "2+2?", "expected": "4", "rule": "numeric"}\n{"id": 2,\n',
                        encoding="utf-8")
    bad_regex = tmp_path / "regex.jsonl"
    bad_regex.write_text('{"id": "1", "prompt": "p", "expected": "(", "rule": "regex"}\n', encoding="utf-8")
    client = SimpleNamespace(model_info={"n_ctx": 4096, "has_chat_template": True}, model_path="m.gguf")
    blank = SimpleNamespace(path=Path("notes.txt"), pages=[SimpleNamespace(number=1, text="  \n ")],
                            text="  \n ")
    store = Store(tmp_path / "db" / "hearth.db")
    try:
        cid = store.create_conversation("Budget")
        sentences = {
            lambda: Summarizer(client).plan(blank, SummaryOptions()):
                "notes.txt には要約するテキストがありません",
            lambda: check_url("ftp://llm.example/v1"):
                "'ftp://llm.example/v1' は http:// または https:// の URL ではありません"
                "(例: https://llm.intra.example/v1)",
            lambda: check_url("https://llm.example/v1?x=1"):
                "エンドポイントの URL にクエリ (?...) やフラグメント (#...) を含めることはできません",
            lambda: RemoteAPI(Endpoint("lan", "http://192.0.2.10/v1"), api_key="sk-x"):
                "API キーが暗号化されずに 192.0.2.10 へ送られます(URL が https:// ではなく http:// です)",
            lambda: check_name("!"):
                "'!' はエンドポイント名に使えません: 英字・数字・「.」「_」「-」を 2〜40 文字で、先頭は英字か数字にしてください",
            lambda: load_question_set(bad_json):
                "quiz.jsonl の 2 行目: JSON として正しくありません(",
            lambda: load_question_set(bad_regex):
                "regex.jsonl の 1 行目: 正規表現をコンパイルできません(",
            lambda: check_request(Policy(), "127.0.0.1", 70000, None):
                "ポート番号は 0〜65535 の範囲で指定してください(指定値: 70000)",
            lambda: check_request(Policy(), "0.0.0.0", 8080, ""):
                "0.0.0.0 で提供する(このコンピューター以外からも接続できる)には API キーが必要です",
            lambda: store.rename_conversation(cid, "   "): "会話のタイトルは空にできません",
            lambda: store.import_json({"format": "something else"}): "Hearth の会話ではありません: ",
            lambda: BlindRound(["tiny", "tiny"]): "ブラインド比較には異なるモデルが必要です",
        }
        for fn, japanese_text in sentences.items():
            english = _raised(fn)
            assert em.is_known(english), english
            got = em.translate(english)
            assert got.startswith(japanese_text), (english, got)
            # The same sentence as a banner shows it: capitalised, with a final period.
            banner = english[:1].upper() + english[1:] + "."
            assert em.translate(banner) == got[:1].upper() + got[1:] + "。"
    finally:
        store.close()


def test_a_nested_engine_sentence_is_translated_in_turn(japanese):
    """{reason}/{detail} parts are engine sentences too: the keyring and the damaged-database sentences."""
    from gui import engine_messages as em

    assert em.translate("no system keyring backend is available, so Hearth cannot store the API key safely "
                        "(it never writes it to a file)") == \
        "システムのキーリングが使えないため、Hearth は API キーを安全に保存できません(ファイルには決して書き込みません)"
    assert em.translate("the conversation database /d/hearth.db is damaged or is not a Hearth database (file is not "
                        "a database); it was kept as /d/hearth.db.damaged and a new, empty database will be "
                        "started") == \
        "会話データベース /d/hearth.db は壊れているか、Hearth のデータベースではありません(file is not a database)。" \
        "元のファイルは /d/hearth.db.damaged として残し、新しい空のデータベースを使い始めます"
    # A specific sentence is not swallowed by the general one after it.
    assert em.translate("no message with id 5 in conversation 3") == "会話 3 に ID 5 のメッセージはありません"
    assert em.translate("the server at llm.example has no model 'x' (HTTP 404)") == \
        "llm.example のサーバーにモデル 'x' がありません(HTTP 404)"



def test_a_sentence_standing_alone_is_capitalised_and_ends_with_its_period(qapp):
    """as_sentence: how Preferences' pages and message boxes show an engine sentence on its own."""
    from engine.config import Policy
    from engine.serve.background import check_request
    from gui import i18n
    from gui.engine_messages import as_sentence

    raised = _raised(lambda: check_request(Policy(), "127.0.0.1", 70000, None))
    assert raised == "the port must be between 0 and 65535 (got 70000)"
    assert as_sentence(raised) == "The port must be between 0 and 65535 (got 70000)."
    assert as_sentence(raised + ".") == "The port must be between 0 and 65535 (got 70000)."
    assert as_sentence("Already a sentence。") == "Already a sentence。"
    assert i18n.install_translation(qapp, "ja") == "ja"
    try:
        ja = as_sentence(raised)
        assert ja.endswith("。") and "70000" in ja and not ja.startswith("The")   # the Japanese full stop
    finally:
        assert i18n.install_translation(qapp, "en") == "en"
