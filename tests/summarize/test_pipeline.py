"""The summariser with a scripted model: page references Hearth guarantees (planted facts on known pages),
degenerate replies stopped while they stream, retried, or replaced by a marked extract, facts kept and
checked, and what was done counted and stored for a resumed run."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest

from engine.errors import CancelledError
from engine.host.protocol import GenerationStats
from engine.store import Store
from engine.summarize import Summarizer
from engine.summarize.prompts import SummaryOptions, text as prompt_text
from tests.summarize.test_summarize import Doc, Page

REF = re.compile(r"\[pp?\. (\d+)(?:\u2013(\d+))?\]")
FILLER = ["The committee met in the usual room and read the minutes of the last meeting.",
          "Several members asked questions about the schedule and the paperwork.",
          "The discussion went on for some time before the chair moved to the next item.",
          "Coffee was served and the members returned to the agenda after a short break."]
# One planted fact per page: (page, sentence, what must survive)
PLANTED = {2: ("The Zebra project budget was set at $41.5 million.", "$41.5 million"),
           4: ("Harriet Osei was appointed head of the Lisbon office.", "Harriet Osei"),
           6: ("The warehouse in Tilbury will close on 3 March 2027.", "3 March 2027"),
           7: ("Complaints fell by 23% after the Parcelpoint system went live.", "23%")}


def planted_doc(pages: int = 8) -> Doc:
    out = []
    for n in range(1, pages + 1):
        sents = [f"Page {n} of the minutes."] + FILLER[:]
        if n in PLANTED:
            sents.insert(2, PLANTED[n][0])
        out.append(Page(n, " ".join(sents)))
    return Doc(Path("minutes.txt"), out)


class ScriptedClient:
    """The EngineClient interface the summariser uses, answering from a script: ``reply(stage, content, try_no)``
    gives the text, streamed a few characters at a time; a cancelled request stops streaming at once.
    Tokens: one per 4 characters."""

    def __init__(self, reply, n_ctx: int = 600):
        self.reply = reply
        self.model_info = {"n_ctx": n_ctx, "has_chat_template": True}
        self.model_path = "scripted.gguf"
        self._next = 0
        self._cancelled: set[int] = set()
        self.calls: list[dict] = []
        self.lock = threading.Lock()

    def count_tokens(self, texts):
        return [max(1, len(t) // 4) for t in texts]

    def count_chat_tokens(self, messages):
        return 8 + sum(len(m["content"]) // 4 + 1 for m in messages)

    def new_request_id(self):
        with self.lock:
            self._next += 1
            return self._next

    def cancel(self, request_id=None):
        with self.lock:
            self._cancelled.add(request_id)

    def chat(self, messages, sampling=None, on_text=None, request_id=None):
        content = messages[0]["content"]
        stage = "map" if "excerpt of a longer document" in content else \
            "single" if "following document" in content else "reduce"
        retry = "Say each point once" in content
        text = self.reply(stage, content, retry)
        budget = sampling.max_tokens * 4
        sent, reason = "", "stop"
        for i in range(0, min(len(text), budget), 5):
            if request_id in self._cancelled:
                reason = "cancelled"
                break
            piece = text[i:i + 5]
            sent += piece
            if on_text:
                on_text(piece)
        else:
            if len(text) > budget:
                reason = "length"
        self.calls.append({"stage": stage, "retry": retry, "content": content, "streamed": len(sent),
                           "finish": reason, "sampling": sampling})
        return GenerationStats(text=sent, prompt_tokens=self.count_chat_tokens(messages),
                               completion_tokens=len(sent) // 4, finish_reason=reason)


def body_of(content: str) -> str:
    body = content.split("\n\n", 1)[1].split("\n\nSay each point once", 1)[0]
    return body.rsplit("\n\nKeep these facts:", 1)[0]


def honest(stage: str, content: str, retry: bool) -> str:
    """A good small model: each planted fact in the text becomes a bullet in other words; when combining,
    each bullet keeps its note's number."""
    body = body_of(content)
    if stage in ("map", "single"):
        points = [f"- Notably, {sent}" for sent, _ in PLANTED.values() if sent in body]
        return "\n".join(points) or "- The committee went through its agenda."
    lines = []
    for m in re.finditer(r"\[(\d+)\]\n(.*?)(?=\n\n\[\d+\]\n|\Z)", body, re.S):
        for line in m.group(2).splitlines():
            if line.startswith("- ") and "agenda" not in line:
                lines.append(f"{line} [{m.group(1)}]")
    return "\n".join(lines) or "- The committee met."


def run(client, doc=None, options=None, store=None, **kw):
    s = Summarizer(client, store, model_id="scripted")
    return s.run(doc or planted_doc(), options or SummaryOptions(length="medium", form="bullets"), **kw)


def cited_pages(line: str) -> set[int]:
    pages = set()
    for m in REF.finditer(line):
        pages.update(range(int(m.group(1)), int(m.group(2) or m.group(1)) + 1))
    return pages


# ---- page references ----------------------------------------------------------------------------------

def test_every_bullet_cites_the_page_its_planted_fact_is_on():
    client = ScriptedClient(honest)
    res = run(client)
    assert res.chunks > 2, "map-reduce, so the pages go through the combining step"
    body = res.summary.rsplit("\n\n", 1)[0]
    lines = [line for line in body.splitlines() if line.strip()]
    assert lines and all(REF.search(line) and line.rstrip().endswith("]") for line in lines), body
    for page, (_, fact) in PLANTED.items():
        line = next(line for line in lines if fact.lower() in line.lower())
        assert cited_pages(line) == {page}, (fact, line)
    assert res.cited_lines == {"lines": len(lines), "cited": len(lines), "matched": len(lines)}
    # The model never saw a page label; it saw numbered notes.
    assert not any(re.search(r"\[pp?\. \d", c["content"]) for c in client.calls)
    assert any("[1]\n" in c["content"] for c in client.calls if c["stage"] == "reduce")


def test_a_note_number_pointing_at_the_wrong_note_is_corrected():
    def wrong_label(stage, content, retry):
        out = honest(stage, content, retry)
        return re.sub(r"\[(\d+)\]$", lambda m: f"[{int(m.group(1)) % 2 + 1}]", out, flags=re.M) \
            if stage == "reduce" else out

    res = run(ScriptedClient(wrong_label))
    lines = res.summary.splitlines()
    for page, (_, fact) in PLANTED.items():
        line = next(line for line in lines if fact.lower() in line.lower())
        assert cited_pages(line) == {page}, (fact, line)
    assert res.citations_corrected >= 1


def test_japanese_facts_are_cited_with_their_pages():
    pages = [Page(1, "会議の概要。本日の会議は予定どおり始まった。"),
             Page(2, "北浜市は2024年3月に再開発計画を発表した。出席者は資料を確認した。"),
             Page(3, "議事は順調に進んだ。休憩の後に再開した。"),
             Page(4, "総事業費は約120億円である。次回は来月に開く。")]
    doc = Doc(Path("議事録.txt"), pages)

    def ja_model(stage, content, retry):
        body = body_of(content)
        if stage in ("map", "single"):
            out = []
            if "2024年3月" in body:
                out.append("- 北浜市が2024年3月に計画を発表。")
            if "120億円" in body:
                out.append("- 事業費は約120億円。")
            return "\n".join(out) or "- 会議が開かれた。"
        return "\n".join(line for line in body.splitlines() if line.startswith("- ") and "会議" not in line)

    res = run(ScriptedClient(ja_model, n_ctx=300), doc=doc)
    lines = res.summary.splitlines()
    assert cited_pages(next(line for line in lines if "2024年3月" in line)) == {2}
    assert cited_pages(next(line for line in lines if "120億円" in line)) == {4}
    assert "全4ページ" in res.summary


# ---- degenerate replies ----------------------------------------------------------------------------------

def looping_first_try(stage, content, retry):
    if stage == "map" and not retry and "$41.5 million" in body_of(content):
        return "[p. 7] " * 400
    return honest(stage, content, retry)


def test_a_looping_part_is_stopped_early_and_retried_without_the_loop_reaching_the_combining_step():
    client = ScriptedClient(looping_first_try)
    events = []
    res = run(client, on_event=events.append)
    looped = [c for c in client.calls if c["stage"] == "map" and not c["retry"] and "$41.5" in body_of(c["content"])]
    assert looped and looped[0]["finish"] == "cancelled"
    assert looped[0]["streamed"] < 200, "stopped within a few repetitions, not at the end of the budget"
    retries = [c for c in client.calls if c["retry"]]
    assert len(retries) == 1 and retries[0]["sampling"].repeat_penalty > 1.2
    assert retries[0]["content"].startswith(looped[0]["content"].rstrip()), \
        "the second try's prompt extends the first's: the model re-uses all of it from its cache"
    assert (res.degenerate_parts, res.retried_parts, res.extractive_parts) == (1, 1, 0)
    assert res.degenerate_reasons in ({"loop": 1}, {"echo": 1})
    assert not any("[p. 7] [p. 7]" in c["content"] for c in client.calls if c["stage"] == "reduce")
    assert [e["type"] for e in events].count("retry") == 1
    part = next(p for p in res.parts if p["note"])
    assert part["note"] == "retried" and part["level"] == 0
    assert "$41.5 million" in res.summary, "the retried part's fact made it"


def test_a_part_that_fails_twice_becomes_a_marked_extract():
    def always_loops(stage, content, retry):
        if stage == "map" and "Harriet Osei" in body_of(content):
            return "Harriet Harriet Harriet " * 200
        return honest(stage, content, retry)

    client = ScriptedClient(always_loops)
    res = run(client)
    assert (res.degenerate_parts, res.retried_parts, res.extractive_parts) == (1, 0, 1)
    part = next(p for p in res.parts if p["note"] == "extractive")
    lines = part["text"].splitlines()
    assert lines[0] == prompt_text("en", "extract"), "marked as an extract"
    assert any("Harriet Osei was appointed" in line for line in lines[1:]), "the fact-bearing sentence is kept"
    for line in lines[1:]:
        assert part["page_start"] <= min(cited_pages(line)) <= max(cited_pages(line)) <= part["page_end"]
    assert cited_pages(next(line for line in lines if "Harriet" in line)) == {4}
    combining = [c["content"] for c in client.calls if c["stage"] == "reduce"]
    assert combining and not any("Harriet Harriet Harriet" in c for c in combining)
    assert not any("Extract:" in c for c in combining), "the marker is for the reader, not the model"


def test_an_echo_of_the_instruction_and_a_verbatim_copy_are_caught():
    def bad(stage, content, retry):
        body = body_of(content)
        if stage == "map" and not retry and "Harriet Osei" in body:
            return content.split("\n\n", 1)[0] * 3                     # the instruction, again and again
        if stage == "map" and not retry and "Parcelpoint" in body:
            return body                                                 # the excerpt, copied
        return honest(stage, content, retry)

    res = run(ScriptedClient(bad))
    assert res.degenerate_parts == 2 and res.retried_parts == 2
    assert set(res.degenerate_reasons) <= {"echo", "copy", "loop"} and "copy" in res.degenerate_reasons


def test_a_degenerate_final_summary_falls_back_to_the_central_points_of_the_parts():
    def final_loops(stage, content, retry):
        if stage == "reduce":
            return "summary summary summary " * 100
        return honest(stage, content, retry)

    res = run(ScriptedClient(final_loops))
    body = res.summary.rsplit("\n\n", 1)[0]
    assert body.splitlines()[0] == prompt_text("en", "extract_final")
    assert res.extractive_parts >= 1
    for line in body.splitlines()[1:]:
        assert REF.search(line), line


# ---- facts -----------------------------------------------------------------------------------------------

def test_the_steps_are_told_which_facts_to_keep_and_dropped_ones_are_reported():
    def drops_one(stage, content, retry):
        out = honest(stage, content, retry)
        return "\n".join(line for line in out.splitlines() if "Tilbury" not in line) if stage == "reduce" else out

    client = ScriptedClient(drops_one)
    res = run(client)
    maps = [c["content"] for c in client.calls if c["stage"] == "map"]
    assert any("Keep these facts:" in c and "$41.5 million" in c.rsplit("Keep these facts:", 1)[1] for c in maps)
    final = [c["content"] for c in client.calls if c["stage"] == "reduce"][-1]
    assert "3 March 2027" in final.rsplit("Keep these facts:", 1)[1]
    assert "3 March 2027" in res.facts["dropped"]
    assert "$41.5 million" in res.facts["kept"] and "Harriet Osei" in res.facts["kept"]


# ---- stored and resumed -------------------------------------------------------------------------------------

def test_a_resumed_run_keeps_what_was_retried_and_extracted(tmp_path):
    store = Store(tmp_path / "db.sqlite3")
    try:
        def fails_twice_on_page_4(stage, content, retry):
            if stage == "map" and "Harriet Osei" in body_of(content):
                return "Harriet Harriet Harriet " * 200
            return looping_first_try(stage, content, retry)

        client = ScriptedClient(fails_twice_on_page_4)
        s = Summarizer(client, store, model_id="scripted")
        seen = []

        def stop_after_the_extract(e):
            if e["type"] == "part":
                seen.append(e)
                if e.get("note") == "extractive":
                    s.cancel()

        with pytest.raises(CancelledError):
            s.run(planted_doc(), SummaryOptions(length="medium", form="bullets"), on_event=stop_after_the_extract)
        assert [e["note"] for e in seen if e["note"]] == ["retried", "extractive"]
        res = Summarizer(ScriptedClient(honest), store, model_id="scripted").run(
            planted_doc(), SummaryOptions(length="medium", form="bullets"))
        assert res.resumed_parts == len(seen)
        assert (res.degenerate_parts, res.retried_parts, res.extractive_parts) == (2, 1, 1)
        assert [p["note"] for p in res.parts if p["note"]] == ["retried", "extractive"]
        from engine.summarize.storage import SummaryStore

        flags = sorted(p["flags"] for p in SummaryStore(store).parts(res.summary_id).values() if p["flags"])
        assert flags[0].startswith("extractive:") and flags[1].startswith("retried:")
    finally:
        store.close()


def test_paragraphs_become_bullets_when_bullets_were_asked_for_and_repeats_go():
    def paragraphs(stage, content, retry):
        out = honest(stage, content, retry)
        sentences = [line[2:].replace("[1]", "").replace("[2]", "").replace("[3]", "").strip()
                     for line in out.splitlines()]
        said = " ".join(sentences)
        return f"{said} {sentences[0]}" if stage == "reduce" else said    # ... and the first one again

    res = run(ScriptedClient(paragraphs))
    body = res.summary.rsplit("\n\n", 1)[0]
    lines = body.splitlines()
    assert lines and all(line.startswith("- ") and REF.search(line) for line in lines), body
    assert len(lines) == len(set(lines)) == len(PLANTED), "one bullet per fact, none twice"
    for page, (_, fact) in PLANTED.items():
        assert cited_pages(next(line for line in lines if fact in line)) == {page}
