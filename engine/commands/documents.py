"""Documents from the command line.

    hearth extract FILE [--json]    the text of a document as Hearth reads it

``--json`` prints {"format", "pages": [{"number", "text"}], "characters", "encoding",
"warnings"}; a format without pages gives one page. A file Hearth cannot read: exit 2
with one sentence. More document commands register in ``register()`` below.
"""

from __future__ import annotations

import sys


def document_json(doc) -> dict:
    return {
        "format": doc.format,
        "pages": [{"number": p.number, "text": p.text} for p in doc.pages],
        "characters": doc.characters,
        "encoding": doc.encoding,
        "warnings": list(doc.warnings),
    }


def cmd_extract(args, ctx) -> int:
    from engine.documents import read_document

    doc = read_document(args.file)  # Ctrl+C: KeyboardInterrupt, exit 130 in engine.cli
    if args.json:
        from engine.cli import print_json

        print_json(document_json(doc))
        return 0
    out = doc.text
    sys.stdout.write(out + ("\n" if not out.endswith("\n") else ""))
    sys.stdout.flush()
    for w in doc.warnings:
        print(f"hearth: warning: {w}", file=sys.stderr)
    return 0


def register(sub) -> None:
    p = sub.add_parser("extract", help="print the text of a document as Hearth reads it",
                       description="Print the text of a document (PDF, Word .docx, text, Markdown, HTML) "
                       "as Hearth reads it: pages separated by a blank line. Exit 2 if it cannot be read.")
    p.add_argument("file", metavar="FILE", help="the document")
    p.add_argument("--json", action="store_true",
                   help="machine-readable: format, pages (number, text), characters, encoding, warnings")
    p.set_defaults(func=cmd_extract)
