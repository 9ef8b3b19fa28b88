"""Question sets: import (JSONL or CSV) and scoring rules.

File format (a contract)
------------------------
One question per JSONL line (a JSON object) or CSV row (first row: the field
names). Fields:

- ``id`` — unique within the set (text or number);
- ``prompt`` — what the model is asked;
- ``expected`` — the right answer;
- ``rule`` — how an answer is scored: ``exact``, ``contains``, ``choice``,
  ``regex`` or ``numeric``;
- optional ``tolerance`` (``numeric``: how far off may still count, default 0),
  ``system`` (a system prompt for this question) and ``tags`` (a list, or text
  separated by commas or semicolons).

Other fields are ignored. A file that cannot be used is a ``BadInputError``
naming the line: ``questions.jsonl line 7: missing field 'expected'``. CSV may
be UTF-8 (with or without BOM) or Shift_JIS/CP932 (Excel on Japanese Windows).

Scoring
-------
Before anything is compared, answer and expected text are normalised:
Unicode NFKC (full-width ``Ａ``/``１２``/``：`` become ``A``/``12``/``:``,
half-width katakana become full-width), surrounding space trimmed, runs of
white space made one space, and case ignored (``casefold``).

- ``exact``: the whole answer equals the expected text (a final ``.``, ``。``
  or ``!`` and surrounding quotes/brackets such as 「」 are ignored on both).
- ``contains``: the expected text appears in the answer.
- ``choice``: the expected text is one letter (``B``, ``(B)``, ``Ｂ``); the
  letter the answer chose is found by, in order: the whole answer being a
  letter (``B``, ``(b)``, ``B.``); else the *last* explicit statement such as
  ``The answer is B``, ``Answer: (B)``, ``答え: Ｂ``, ``正解はB``, ``Bです``; else
  a letter opening the answer followed by ``)``, ``.`` or ``:`` (``B) Tokyo``);
  else the first letter in brackets (``(B)``). Only capital letters count
  outside a bare answer, so words like "a" or "I" are never taken for a choice.
- ``regex``: Python ``re.search`` of the expected pattern (itself NFKC
  normalised) in the NFKC-normalised answer, ignoring case.
- ``numeric``: numbers are read with full-width digits, thousands commas
  (``12,000``), decimals, minus signs (``-``, ``−``, and ``△``/``▲`` as in
  Japanese accounts) and the units 万/億 (``1万2000`` = 12000). **Which number**:
  the first number after the last answer marker (``answer``, ``答え``, ``答``,
  ``正解``, ``解答``, ``回答``, ``合計``, ``=``) when there is one; otherwise the
  *last* number in the answer, since models that show their working end with
  the result. Correct when ``|got - expected| <= tolerance``. Kanji numerals
  (三十) are not read.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

from engine.errors import BadInputError

RULES = ("exact", "contains", "choice", "regex", "numeric")
REQUIRED = ("id", "prompt", "expected", "rule")
MAX_FILE_BYTES = 50 << 20
MAX_QUESTIONS = 100_000
BUILTIN_DIR = "question_sets"


@dataclass
class Question:
    id: str
    prompt: str
    expected: str
    rule: str
    tolerance: float = 0.0
    system: str | None = None
    tags: list[str] = field(default_factory=list)
    line: int = 0                    # where it was in the file

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class QuestionSet:
    name: str                        # the file name
    path: str
    sha256: str
    questions: list[Question]

    def __len__(self) -> int:
        return len(self.questions)

    def __iter__(self):
        return iter(self.questions)


# ---- normalisation -------------------------------------------------------------------------

_SPACE_RE = re.compile(r"\s+")
_MINUS_CHARS = "\u2212\u2012\u2013\u2014\u2010"   # − ‒ – — ‐ used as minus signs


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", str(text or ""))


def normalize(text: str) -> str:
    """NFKC, trimmed, one space between words, case folded."""
    return _SPACE_RE.sub(" ", nfkc(text)).strip().casefold()


_QUOTES = "\"'`「」『』【】[]()“”‘’"


def _exact_form(text: str) -> str:
    t = normalize(text)
    for _ in range(3):   # "「東京。」" -> 東京
        t = t.strip().strip(_QUOTES).strip().rstrip(".。!").strip()
    return t


# ---- choice -----------------------------------------------------------------------------------

_OPEN, _CLOSE = r"[\(\[「【<]", r"[\)\]」】>]"
_BARE_CHOICE = re.compile(rf"{_OPEN}?\s*([A-Za-z])\s*{_CLOSE}?\s*[.。:!]?")
_CHOICE_PHRASE = re.compile(
    r"(?:(?i:\banswer|\bchoice|\boption|\bcorrect\s+one)|答え|答|正解|解答|回答|選択肢)"
    r"\s*(?:(?i:is|was|would\s+be|should\s+be)\s*)?[:=は]?\s*(?:(?i:option|choice)\s*)?"
    rf"{_OPEN}?\s*([A-Z])(?![A-Za-z0-9])")
_CHOICE_JA_TAIL = re.compile(rf"(?<![A-Za-z0-9]){_OPEN}?([A-Z]){_CLOSE}?\s*(?:です|が正解|が正しい|を選)")
_CHOICE_LEAD = re.compile(rf"{_OPEN}?([A-Z])(?:{_CLOSE}|[.:、,])")
_CHOICE_BRACKETED = re.compile(rf"{_OPEN}([A-Z]){_CLOSE}")


def chosen_letter(answer: str) -> str | None:
    """The multiple-choice letter an answer picked (upper case), or None."""
    t = _SPACE_RE.sub(" ", nfkc(answer)).strip()
    m = _BARE_CHOICE.fullmatch(t)
    if m:
        return m.group(1).upper()
    found = [(m.start(), m.group(1)) for m in _CHOICE_PHRASE.finditer(t)]
    found += [(m.start(), m.group(1)) for m in _CHOICE_JA_TAIL.finditer(t)]
    if found:
        return max(found)[1]
    m = _CHOICE_LEAD.match(t)
    if m:
        return m.group(1)
    m = _CHOICE_BRACKETED.search(t)
    return m.group(1) if m else None


def _choice_expected(value: str) -> str | None:
    m = _BARE_CHOICE.fullmatch(nfkc(value).strip())
    return m.group(1).upper() if m else None


# ---- numbers ------------------------------------------------------------------------------------

_NUMBER = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?")
_UNITS = {"万": 10 ** 4, "億": 10 ** 8, "兆": 10 ** 12}
_ANSWER_MARKERS = re.compile(r"(?i:\banswer)|答え|答|正解|解答|回答|合計|=")


def numbers_in(text: str) -> list[tuple[int, float]]:
    """Every number in ``text`` as (position in the NFKC text, value), in order."""
    t = nfkc(text)
    for ch in _MINUS_CHARS:
        t = t.replace(ch, "-")
    found = []   # [sign position, start, end (after any unit), value, unit]
    for m in _NUMBER.finditer(t):
        start, end = m.span()
        value = float(m.group(1).replace(",", "") + (m.group(2) or ""))
        pos = start
        if start > 0 and t[start - 1] in "-△▲":
            before = t[start - 2] if start > 1 else ""
            # "2024-05-01", "A-3", "(3)-1": a hyphen, not a minus sign
            if not (before.isdigit() or (before.isascii() and before.isalpha()) or (before and before in ")]")):
                value, pos = -value, start - 1
        unit = _UNITS.get(t[end], 1) if end < len(t) else 1
        found.append((pos, start, end + (1 if unit > 1 else 0), value, unit))
    out: list[tuple[int, float]] = []
    i = 0
    while i < len(found):
        pos, _, end, value, unit = found[i]
        total, sign, last_unit = value * unit, (-1 if value < 0 else 1), unit
        j = i + 1
        # "1億2000万3000": each following number with a smaller unit joins the first
        while last_unit > 1 and j < len(found) and found[j][1] == end and found[j][4] < last_unit \
                and found[j][3] >= 0:
            total += sign * found[j][3] * found[j][4]
            end, last_unit = found[j][2], found[j][4]
            j += 1
        out.append((pos, total))
        i = j
    return out


def answer_number(text: str) -> float | None:
    """The number an answer gives (see the module docstring for which one)."""
    nums = numbers_in(text)
    if not nums:
        return None
    t = nfkc(text)
    markers = [m.end() for m in _ANSWER_MARKERS.finditer(t)]
    if markers:
        after = [v for pos, v in nums if pos >= markers[-1]]
        if after:
            return after[0]
    return nums[-1][1]


def _parse_number_field(value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    nums = numbers_in(str(value))
    if len(nums) != 1:
        return None
    return nums[0][1]


# ---- scoring ------------------------------------------------------------------------------------

_REGEX_CACHE: dict[str, re.Pattern] = {}


def _compiled(pattern: str) -> re.Pattern:
    p = _REGEX_CACHE.get(pattern)
    if p is None:
        p = re.compile(nfkc(pattern), re.IGNORECASE)
        _REGEX_CACHE[pattern] = p
    return p


def score(question: Question, answer: str) -> bool:
    """Whether ``answer`` is right for ``question`` under its rule."""
    answer = answer or ""
    rule = question.rule
    if rule == "exact":
        return _exact_form(answer) == _exact_form(question.expected)
    if rule == "contains":
        want = normalize(question.expected)
        return bool(want) and want in normalize(answer)
    if rule == "choice":
        return chosen_letter(answer) == _choice_expected(question.expected)
    if rule == "regex":
        return _compiled(question.expected).search(_SPACE_RE.sub(" ", nfkc(answer)).strip()) is not None
    if rule == "numeric":
        got = answer_number(answer)
        want = _parse_number_field(question.expected)
        if got is None or want is None:
            return False
        tol = max(question.tolerance or 0.0, 1e-9 * max(1.0, abs(want)))
        return abs(got - want) <= tol
    raise BadInputError(f"unknown rule {rule!r}")


# ---- reading files ------------------------------------------------------------------------------

def builtin_sets() -> dict[str, Path]:
    """The sample sets shipped with Hearth: name (file stem) -> path."""
    from engine.resources import resource_dirs

    out: dict[str, Path] = {}
    for d in resource_dirs():
        folder = d / BUILTIN_DIR
        if folder.is_dir():
            for p in sorted(folder.iterdir()):
                if p.suffix.lower() in (".jsonl", ".csv") and p.stem not in out:
                    out[p.stem] = p
    return out


def _decode(raw: bytes, name: str) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp932")
    except UnicodeDecodeError:
        raise BadInputError(f"{name} is neither UTF-8 nor Shift_JIS text") from None


def _text_field(raw: dict, key: str, where: str, required: bool = True) -> str | None:
    if key not in raw or raw[key] is None:
        if required:
            raise BadInputError(f"{where}: missing field '{key}'")
        return None
    v = raw[key]
    if isinstance(v, bool) or not isinstance(v, (str, int, float)):
        raise BadInputError(f"{where}: field '{key}' must be text")
    if isinstance(v, float) and v.is_integer() and key == "id":
        v = int(v)
    text = str(v)
    if required and not text.strip():
        raise BadInputError(f"{where}: field '{key}' is empty")
    return text


def _question(raw: dict, where: str, line: int) -> Question:
    qid = _text_field(raw, "id", where).strip()
    prompt = _text_field(raw, "prompt", where)
    expected = _text_field(raw, "expected", where)
    rule = _text_field(raw, "rule", where).strip().lower()
    if rule not in RULES:
        raise BadInputError(f"{where}: unknown rule '{raw['rule']}' (use {', '.join(RULES[:-1])} or {RULES[-1]})")
    tolerance = 0.0
    tol_raw = raw.get("tolerance")
    if tol_raw not in (None, ""):
        t = _parse_number_field(tol_raw)
        if t is None or t < 0:
            raise BadInputError(f"{where}: 'tolerance' must be a number of at least 0 (got {tol_raw!r})")
        tolerance = t
    if rule == "choice" and _choice_expected(expected) is None:
        raise BadInputError(f"{where}: a 'choice' answer must be one letter such as B (got {expected!r})")
    if rule == "numeric" and _parse_number_field(raw["expected"]) is None:
        raise BadInputError(f"{where}: a 'numeric' answer must be one number (got {expected!r})")
    if rule == "regex":
        try:
            _compiled(expected)
        except re.error as e:
            raise BadInputError(f"{where}: the regular expression does not compile ({e})") from None
    system = _text_field(raw, "system", where, required=False)
    tags_raw = raw.get("tags")
    if tags_raw in (None, ""):
        tags = []
    elif isinstance(tags_raw, list) and all(isinstance(t, (str, int)) for t in tags_raw):
        tags = [str(t).strip() for t in tags_raw if str(t).strip()]
    elif isinstance(tags_raw, str):
        tags = [t.strip() for t in re.split(r"[,;、|]", tags_raw) if t.strip()]
    else:
        raise BadInputError(f"{where}: 'tags' must be a list of words or text separated by commas")
    return Question(id=qid, prompt=prompt, expected=expected, rule=rule, tolerance=tolerance,
                    system=system if system and system.strip() else None, tags=tags, line=line)


def _jsonl_records(text: str, name: str):
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as e:
            raise BadInputError(f"{name} line {n}: not valid JSON ({getattr(e, 'msg', e)})") from None
        if not isinstance(obj, dict):
            raise BadInputError(f"{name} line {n}: expected a JSON object with id, prompt, expected and rule")
        yield n, obj


def _csv_records(text: str, name: str, delimiter: str):
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise BadInputError(f"{name} has no questions") from None
    except csv.Error as e:
        raise BadInputError(f"{name} line 1: not valid CSV ({e})") from None
    keys = [h.strip().lower().lstrip("\ufeff") for h in header]
    for k in REQUIRED:
        if k not in keys:
            raise BadInputError(f"{name} line 1: missing column '{k}' (the first row names the fields)")
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            raise BadInputError(f"{name} line {start}: not valid CSV ({e})") from None
        if not row or not any(c.strip() for c in row):
            continue
        if len(row) > len(keys) and any(c.strip() for c in row[len(keys):]):
            raise BadInputError(f"{name} line {start}: {len(row)} values for {len(keys)} columns "
                                f"(quote values that contain a comma)")
        yield start, {k: v for k, v in zip(keys, row) if k}


def parse_question_set(raw: bytes, name: str, path: str = "") -> QuestionSet:
    """Read a set from bytes; ``name`` (the file name) decides CSV (``.csv``/``.tsv``) or JSONL."""
    text = _decode(raw, name)
    suffix = Path(name).suffix.lower()
    if suffix in (".csv", ".tsv"):
        records = _csv_records(text, name, "\t" if suffix == ".tsv" else ",")
    else:
        records = _jsonl_records(text, name)
    questions: list[Question] = []
    seen: dict[str, int] = {}
    for line, rec in records:
        where = f"{name} line {line}"
        q = _question(rec, where, line)
        if q.id in seen:
            raise BadInputError(f"{where}: the id '{q.id}' is already used on line {seen[q.id]}")
        seen[q.id] = line
        questions.append(q)
        if len(questions) > MAX_QUESTIONS:
            raise BadInputError(f"{name} has more than {MAX_QUESTIONS} questions")
    if not questions:
        raise BadInputError(f"{name} has no questions")
    return QuestionSet(name=name, path=path, sha256=hashlib.sha256(raw).hexdigest(), questions=questions)


def load_question_set(path_or_name: str | Path) -> QuestionSet:
    """A question set from a file, or a shipped sample set by name (``office_en``, ``office_ja``)."""
    p = Path(str(path_or_name)).expanduser()
    if not p.exists():
        builtin = builtin_sets().get(str(path_or_name))
        if builtin is None:
            names = ", ".join(builtin_sets()) or "none"
            raise BadInputError(f"no such question set: {path_or_name} (sample sets: {names})")
        p = builtin
    if p.is_dir():
        raise BadInputError(f"{p} is a folder, not a question set")
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise BadInputError(f"{p.name} is too large for a question set ({size >> 20} MB; at most "
                                f"{MAX_FILE_BYTES >> 20} MB)")
        raw = p.read_bytes()
    except OSError as e:
        raise BadInputError(f"cannot read {p}: {e.strerror or e}") from None
    return parse_question_set(raw, p.name, str(p))
