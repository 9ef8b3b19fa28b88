"""Generated documents with known answers, in Japanese and English (tests and bench/ask.py).

Each *fact* sits on one page of one document; its question asks for it in other words (a paraphrase,
not a copy of the sentence), and other pages mention the same team with other facts, so finding the
right page takes more than matching a name. ``make_corpus(folder)`` writes the documents and returns the
questions: ``[{"id", "lang", "question", "file", "page", "answer"}]``.

    python -m tests.ask.corpus FOLDER     # write them, to look at
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

# (team, [(fact sentence, question, answer)]) — the sentence goes on a page, the question asks for it.
EN_TEAMS = ["Harbor Logistics", "Northwind Research", "Cedar Finance", "Maple Support", "Granite Security",
            "Willow Design", "Aurora Sales", "Summit Legal"]
EN_FACTS = [
    ("{t} moved its main warehouse to Kobe in April 2023.", "Which city is the storage site of {t} in now?", "Kobe"),
    ("{t} hired {n} new engineers during the autumn recruiting season.",
     "How many technical staff did {t} take on in the fall?", "{n}"),
    ("The annual budget of {t} was raised by {p} percent after the March review.",
     "What was the rise in the yearly funding of {t}?", "{p} percent"),
    ("{t} replaced its ticketing software with an open-source system called Beacon.",
     "What tool does {t} use for tracking customer requests?", "Beacon"),
    ("Staff at {t} may work from home up to three days each week since the new policy.",
     "How often may employees of {t} do remote work?", "three days a week"),
]
# Pages that name a team without answering any question about it.
EN_NOISE = ["The {t} newsletter is published on the first Friday of every month.",
            "{t} held its summer party at a restaurant near the station.",
            "A new manager will lead {t} from next year."]
EN_FILLER = [
    "Meetings are held on Monday mornings and minutes are shared the same afternoon.",
    "The quarterly report follows the standard template approved by the board.",
    "Questions about expenses should be sent to the accounting mailbox.",
    "All visitors must sign in at the reception desk and wear a badge.",
    "The cafeteria is open from eleven until two on weekdays.",
    "Printers on every floor need a staff card to release documents.",
]

JA_TEAMS = ["港湾物流部", "北風研究所", "杉並経理課", "楓サポート室", "御影警備課", "柳デザイン室", "曙営業部",
            "頂法務課"]
JA_FACTS = [
    ("{t}は2023年4月に主要な倉庫を神戸へ移転した。", "{t}の保管拠点は現在どの都市にありますか。", "神戸"),
    ("{t}は秋の採用期間に{n}名の技術者を新たに採用した。", "{t}は秋に技術職を何人迎えましたか。", "{n}名"),
    ("三月の見直しの結果、{t}の年間予算は{p}パーセント増額された。", "{t}の一年間の資金はどれくらい伸びましたか。",
     "{p}パーセント"),
    ("{t}は問い合わせ管理ソフトをオープンソースの「ビーコン」に切り替えた。",
     "{t}は顧客からの依頼の追跡にどんな道具を使っていますか。", "ビーコン"),
    ("新しい制度により、{t}の職員は週に三日まで在宅勤務ができる。", "{t}の社員は自宅で働ける日が週に何日ありますか。",
     "週三日"),
]
JA_NOISE = ["{t}の社内報は毎月第一金曜日に発行される。", "{t}は駅の近くの店で夏の懇親会を開いた。",
            "来年から新しい管理職が{t}を率いる。"]
JA_FILLER = [
    "会議は毎週月曜日の午前に開かれ、議事録は当日の午後に共有される。",
    "四半期報告書は取締役会が承認した標準の様式に従って作成する。",
    "経費に関する質問は経理の窓口に送ること。",
    "来訪者は受付で記名し、入館証を着用しなければならない。",
    "食堂は平日の十一時から十四時まで営業している。",
    "各階の複合機は職員証をかざすと印刷が始まる。",
]


def _pages(teams, facts, noise, filler, lang: str, rnd: random.Random) -> tuple[list[list[str]], list[dict]]:
    """Pages (lists of lines) and the questions, for one language: one fact per page, with filler."""
    items = []
    for t in teams:
        for sentence in noise:
            items.append((sentence.format(t=t), None, None))
        for k, (sentence, question, answer) in enumerate(facts):
            n, p = rnd.randrange(12, 90), rnd.randrange(3, 19)
            items.append((sentence.format(t=t, n=n, p=p), question.format(t=t, n=n, p=p),
                          answer.format(t=t, n=n, p=p)))
    rnd.shuffle(items)
    pages, questions = [], []
    for i, (sentence, question, answer) in enumerate(items):
        lines = rnd.sample(filler, 2) + [sentence] + rnd.sample(filler, 2)
        pages.append(lines)
        if question:
            questions.append({"lang": lang, "question": question, "answer": answer, "page": i + 1})
    return pages, questions


def write_pdf(path: Path, pages: list[list[str]], japanese: bool) -> Path:
    """One page per list of lines (a Japanese CID font where needed), wrapped to the page width."""
    from reportlab.pdfgen import canvas

    font = "Helvetica"
    if japanese:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        font = "HeiseiMin-W3"
        if font not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(font))
    width = 40 if japanese else 90
    c = canvas.Canvas(str(path))
    for lines in pages:
        y = 790
        for line in lines:
            for k in range(0, len(line), width):
                c.setFont(font, 10)
                c.drawString(40, y, line[k:k + width])
                y -= 16
            y -= 6
        c.showPage()
    c.save()
    return path


def make_corpus(folder: Path, seed: int = 7, pages_per_file: int = 10) -> list[dict]:
    """Write the English and Japanese PDFs into ``folder``; return the questions with file and page."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(seed)
    questions: list[dict] = []
    for lang, teams, facts, noise, filler in (("en", EN_TEAMS, EN_FACTS, EN_NOISE, EN_FILLER),
                                              ("ja", JA_TEAMS, JA_FACTS, JA_NOISE, JA_FILLER)):
        pages, qs = _pages(teams, facts, noise, filler, lang, rnd)
        for f in range(0, len(pages), pages_per_file):
            name = f"{lang}-report-{f // pages_per_file + 1}.pdf"
            write_pdf(folder / name, pages[f:f + pages_per_file], lang == "ja")
            for q in qs:
                if f < q["page"] <= f + pages_per_file:
                    questions.append({**q, "file": name, "page": q["page"] - f})
    for i, q in enumerate(questions, 1):
        q["id"] = f"{q['lang']}{i:03d}"
    return questions


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "ask-corpus")
    qs = make_corpus(out)
    (out / "questions.json").write_text(json.dumps(qs, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(qs)} questions in {out}")
