"""A stored summary as Markdown or DOCX."""

from __future__ import annotations

import re
from pathlib import Path

from engine.errors import BadInputError
from engine.files import write_file_atomically


def to_markdown(row: dict, parts: list[dict]) -> str:
    o = row["options"]
    lines = [f"# Summary of {row['document_name']}", "",
             f"*Model: {Path(row['model'].split('|')[0]).name} · {o.get('length')}, {o.get('form')} · "
             f"{row['pages']} pages · {row['updated_at'][:16].replace('T', ' ')} UTC*", "",
             row["summary"].strip(), ""]
    notes = sorted((p for p in parts if p["level"] == 0), key=lambda p: p["position"])
    if len(notes) > 1:
        lines += ["## Notes by section", ""]
        for p in notes:
            label = f"p. {p['page_start']}" if p["page_start"] == p["page_end"] else \
                f"pp. {p['page_start']}\u2013{p['page_end']}"
            lines += [f"### [{label}]", "", p["text"].strip(), ""]
    return "\n".join(lines)


# Characters XML (and so DOCX) cannot hold: C0 controls but tab/newline, and the non-characters.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def write_docx(markdown_text: str, path: Path) -> None:
    import docx

    # A model's text may contain control characters: dropped, or Word could not open the file.
    markdown_text = _NOT_XML.sub("", markdown_text)
    doc = docx.Document()
    for block in markdown_text.split("\n\n"):
        block = block.strip()
        if not block:
            continue
        if block.startswith("#"):
            level = len(block) - len(block.lstrip("#"))
            doc.add_heading(block.lstrip("#").strip(), level=min(level, 4))
            continue
        for line in block.splitlines():
            s = line.strip()
            if s.startswith(("- ", "* ", "• ")):
                doc.add_paragraph(s[2:], style="List Bullet")
            elif s.startswith("*") and s.endswith("*"):
                doc.add_paragraph().add_run(s.strip("*")).italic = True
            else:
                doc.add_paragraph(s)
    doc.save(str(path))


def export(summary_id: int, config, output: str | Path, fmt: str | None = None) -> Path:
    from engine.store import Store
    from engine.summarize.storage import SummaryStore

    path = Path(output)
    fmt = fmt or ("docx" if path.suffix.lower() == ".docx" else "md")
    with Store.open_default(config) as store:
        ss = SummaryStore(store)
        row = ss.get(int(summary_id))
        if row is None:
            raise BadInputError(f"there is no summary {summary_id}")
        if row["status"] != "done":
            raise BadInputError(f"summary {summary_id} is not finished ({row['status']}); run it again to resume")
        parts = list(ss.parts(int(summary_id)).values())
    md = to_markdown(row, parts)
    try:
        if fmt == "docx":
            write_docx(md, path)
        else:
            write_file_atomically(path, lambda f: f.write(md))
    except OSError as e:
        raise BadInputError(f"cannot write {path}: {e.strerror or e}") from None
    return path
