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
    "map": "Summarise the following excerpt of a longer document {length}. {form} Use only what the excerpt "
           "says. The excerpt starts with its page range in brackets; end each point with the pages it "
           "comes from, like [pp. 3\u20134].",
    "reduce": "Below are summaries of consecutive parts of one document, in order, each with its page range "
              "in brackets. Combine them into one summary {length}. {form} Keep the page references in "
              "brackets, like [pp. 3\u20134], after each point.",
    "single": "Summarise the following document {length}. {form} Use only what the document says. The text "
              "starts with its page range in brackets; end each point with the pages it comes from, like "
              "[pp. 3\u20134].",
    "language": "Write in English.",
    "cue": "Summary:",
    "part": "Part",
}

_JA = {
    "length": {"short": "数文で簡潔に", "medium": "要点を押さえて適度な長さで",
               "detailed": "重要な事実・数値・固有名詞・決定事項をすべて残して詳しく"},
    "form": {"paragraphs": "段落の文章で書いてください。",
             "bullets": "箇条書き（各行「- 」で始める）で書いてください。",
             "keypoints": "要点を箇条書きで示し、最後に「対応事項:」として決定事項・期限・担当を列挙してください。"},
    "map": "以下は長い文書の一部です。{length}要約してください。{form}抜粋に書かれている内容だけを使ってください。"
           "抜粋の先頭に角括弧でページ範囲があります。各要点の末尾に [pp. 3\u20134] のように出典ページを付けてください。",
    "reduce": "以下は一つの文書の連続する部分の要約で、順番に並び、それぞれ角括弧でページ範囲が付いています。"
              "これらを一つの要約に{length}まとめてください。{form}各要点の後の [pp. 3\u20134] のようなページ参照は残してください。",
    "single": "以下の文書を{length}要約してください。{form}文書に書かれている内容だけを使ってください。"
              "先頭に角括弧でページ範囲があります。各要点の末尾に [pp. 3\u20134] のように出典ページを付けてください。",
    "language": "日本語で書いてください。",
    "cue": "要約:",
    "part": "部分",
}


def instruction(stage: str, options: SummaryOptions, lang: str) -> str:
    """The fixed instruction for ``stage`` ("single", "map" or "reduce")."""
    t = _JA if lang == "ja" else _EN
    text = t[stage].format(length=t["length"][options.length], form=t["form"][options.form])
    text += " " + t["language"] if lang == "en" else t["language"]
    if options.instruction.strip():
        text += "\n" + options.instruction.strip()
    return text


def build_messages(stage: str, options: SummaryOptions, lang: str, label: str, body: str,
                   base_model: bool) -> list[dict]:
    """One user message: instruction first (a shared prefix), then ``[label]`` and the text.

    A base model (no chat template) continues text, so it gets a closing cue.
    """
    t = _JA if lang == "ja" else _EN
    content = f"{instruction(stage, options, lang)}\n\n[{label}]\n{body.strip()}"
    if base_model:
        content += f"\n\n{t['cue']}\n"
    return [{"role": "user", "content": content}]
