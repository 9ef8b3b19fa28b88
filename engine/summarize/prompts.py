"""The instructions sent to the model, in the document's language.

The instruction comes *first* in every chunk's prompt and is identical for
all chunks of a stage, so the host reuses its evaluated prefix from llama.cpp's
KV cache; the chunk (with its page label) follows.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

LENGTHS = ("short", "medium", "detailed")
FORMS = ("paragraphs", "bullets", "keypoints")
LANGUAGES = ("same", "ja", "en")

# Reply budget (tokens) per summary, by length; capped by the context.
OUTPUT_TOKENS = {"short": 160, "medium": 320, "detailed": 560}


@dataclass(frozen=True)
class SummaryOptions:
    length: str = "medium"
    form: str = "paragraphs"
    language: str = "same"        # same | ja | en
    instruction: str = ""         # the user's own words, added to every prompt

    def __post_init__(self):
        from engine.errors import BadInputError

        if self.length not in LENGTHS:
            raise BadInputError(f"length must be one of {', '.join(LENGTHS)}")
        if self.form not in FORMS:
            raise BadInputError(f"form must be one of {', '.join(FORMS)}")
        if self.language not in LANGUAGES:
            raise BadInputError(f"language must be one of {', '.join(LANGUAGES)}")

    def to_dict(self) -> dict:
        return asdict(self)


def is_japanese(text: str, sample: int = 20000) -> bool:
    """Mostly Japanese? (kana and kanji among the letters of a sample)."""
    s = text[:sample]
    jp = sum(1 for ch in s if "\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" or "\uff66" <= ch <= "\uff9f")
    letters = sum(1 for ch in s if ch.isalpha())
    return letters > 0 and jp / letters > 0.3


def output_language(options: SummaryOptions, document_text: str) -> str:
    if options.language in ("ja", "en"):
        return options.language
    return "ja" if is_japanese(document_text) else "en"


_EN = {
    "length": {"short": "in a few sentences", "medium": "in about one or two paragraphs' worth of content",
               "detailed": "in detail, keeping every important fact, figure, name and decision"},
    "form": {"paragraphs": "Write flowing paragraphs.",
             "bullets": "Write bullet points (one fact per line, starting with '- ').",
             "keypoints": "Write the key points as bullet points, then a section 'Action items:' listing "
                          "decisions, deadlines and who must do what."},
    # Pages are never asked for: Hearth attaches them itself (engine/summarize/citing.py).
    "map": "Summarise the following excerpt of a longer document {length}. {form} Use only what the excerpt "
           "says, in your own words.",
    "single": "Summarise the following document {length}. {form} Use only what the document says, in your "
              "own words.",
    "reduce": "Below are numbered notes on consecutive parts of one document, in order. Combine them into one "
              "summary {length}. {form} End each point with the number of the note it comes from in "
              "brackets, like [2].",
    "reduce_plain": "Below are notes on consecutive parts of one document, in order. Combine them into one "
                    "summary {length}. {form}",
    "retry": "Say each point once, in your own words; do not repeat the text.",
    "facts": "Keep these facts: {facts}.",
    "language": "Write in English.",
    "cue": "Summary:",
    "part": "Part",
    "extract": "*(Extract: the model's summary of this part was unusable, so these are its most central "
               "sentences as written.)*",
    "extract_final": "*(Extract: the model's combined summary was unusable, so these are the document's most "
                     "central sentences as written.)*",
}

_JA = {
    "length": {"short": "数文で簡潔に", "medium": "要点を押さえて適度な長さで",
               "detailed": "重要な事実・数値・固有名詞・決定事項をすべて残して詳しく"},
    "form": {"paragraphs": "段落の文章で書いてください。",
             "bullets": "箇条書き（各行「- 」で始める）で書いてください。",
             "keypoints": "要点を箇条書きで示し、最後に「対応事項:」として決定事項・期限・担当を列挙してください。"},
    "map": "以下は長い文書の一部です。{length}要約してください。{form}抜粋に書かれている内容だけを使い、自分の言葉でまとめてください。",
    "single": "以下の文書を{length}要約してください。{form}文書に書かれている内容だけを使い、自分の言葉でまとめてください。",
    "reduce": "以下は一つの文書の連続する部分についての番号付きメモで、順番に並んでいます。これらを一つの要約に{length}"
              "まとめてください。{form}各要点の末尾に、もとになったメモの番号を [2] のように角括弧で付けてください。",
    "reduce_plain": "以下は一つの文書の連続する部分についてのメモで、順番に並んでいます。これらを一つの要約に{length}"
                    "まとめてください。{form}",
    "retry": "同じことを繰り返さず、本文をそのまま写さずに、各要点を一度だけ書いてください。",
    "facts": "次の事実は省かずに書いてください: {facts}。",
    "language": "日本語で書いてください。",
    "cue": "要約:",
    "part": "部分",
    "extract": "*（抜粋：この部分はモデルの要約が使えなかったため、本文の中心となる文をそのまま示します。）*",
    "extract_final": "*（抜粋：モデルがまとめた要約が使えなかったため、文書の中心となる文をそのまま示します。）*",
}

EXTRACT_MARKERS = tuple(t[k] for t in (_EN, _JA) for k in ("extract", "extract_final"))

# How many facts each step is told to keep, by length.
FACTS_PER_STEP = {"short": 4, "medium": 6, "detailed": 10}
FACTS_FINAL = {"short": 6, "medium": 10, "detailed": 16}
# Sentences (or points) an extract keeps, by length.
EXTRACT_SENTENCES = {"short": 3, "medium": 5, "detailed": 8}
EXTRACT_FINAL = {"short": 5, "medium": 10, "detailed": 14}   # points of an extract made from the notes


def text(lang: str, name: str) -> str:
    """One of the fixed texts ("extract", "extract_final", ...) in ``lang``."""
    return (_JA if lang == "ja" else _EN)[name]


def instruction(stage: str, options: SummaryOptions, lang: str) -> str:
    """The fixed instruction for ``stage`` ("single", "map", "reduce" or "reduce_plain")."""
    t = _JA if lang == "ja" else _EN
    out = t[stage].format(length=t["length"][options.length], form=t["form"][options.form])
    out += " " + t["language"] if lang == "en" else t["language"]
    if options.instruction.strip():
        out += "\n" + options.instruction.strip()
    return out


def facts_line(facts: list[str], lang: str) -> str:
    if not facts:
        return ""
    t = _JA if lang == "ja" else _EN
    return t["facts"].format(facts=("、" if lang == "ja" else "; ").join(facts))


def build_messages(stage: str, options: SummaryOptions, lang: str, body: str, base_model: bool,
                   facts: list[str] | None = None, retry: bool = False) -> list[dict]:
    """One user message: the instruction first (a prefix shared by every chunk of a stage, kept in the
    KV cache), then the text, then the facts it must keep (they differ per chunk, so they come last), and
    for a second try after a degenerate reply (``retry``) what not to do again — last, so that the second
    try re-uses all the first one's prompt from the cache.

    A base model (no chat template) continues text, so it gets a closing cue.
    """
    t = _JA if lang == "ja" else _EN
    content = f"{instruction(stage, options, lang)}\n\n{body.strip()}"
    line = facts_line(facts or [], lang)
    if line:
        content += f"\n\n{line}"
    if retry:
        content += f"\n\n{t['retry']}"
    if base_model:
        content += f"\n\n{t['cue']}\n"
    return [{"role": "user", "content": content}]
