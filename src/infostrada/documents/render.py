"""PDFs the office produces: letters and decisions, address labels, delivery evidence.

Laid out as a Polish official letter: the office's name and address top left,
the place and date top right (e.g. "Lubicz, 24 listopada 2026 r."), the case
signature ("znak sprawy"), the addressee, the title, the text, and who signs.
Text uses Noto Sans (Polish letters); see docs/decisions/0009-ezd-libraries.md.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "InfostradaSans"
MONTHS_GENITIVE = [
    "stycznia",
    "lutego",
    "marca",
    "kwietnia",
    "maja",
    "czerwca",
    "lipca",
    "sierpnia",
    "września",
    "października",
    "listopada",
    "grudnia",
]


@lru_cache(maxsize=1)
def _font() -> str:
    import fontpkg_noto_sans

    path = next(fontpkg_noto_sans.ROOT.glob("files/NotoSans[[]*.ttf"))
    pdfmetrics.registerFont(TTFont(FONT, str(path)))
    return FONT


def polish_date(day: datetime.date) -> str:
    """'24 listopada 2026 r.' — the form dates take in Polish official letters."""
    return f"{day.day} {MONTHS_GENITIVE[day.month - 1]} {day.year} r."


@dataclass(frozen=True)
class Letter:
    office_name: str
    office_address: str
    place: str
    date: datetime.date
    signature: str  # znak sprawy
    recipient_lines: list[str]
    title: str
    body: str
    signer_lines: list[str]
    footer: str = ""


def _styles() -> dict[str, ParagraphStyle]:
    font = _font()
    base = ParagraphStyle("base", fontName=font, fontSize=11, leading=15)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=12),
        "right": ParagraphStyle("right", parent=base, alignment=2),
        "title": ParagraphStyle(
            "title", parent=base, fontSize=14, leading=18, alignment=1, spaceAfter=6
        ),
        "body": ParagraphStyle("body", parent=base, alignment=4, spaceAfter=8),
    }


def _lines(text: str) -> str:
    return "<br/>".join(escape(line) for line in text.splitlines())


def letter_pdf(letter: Letter) -> bytes:
    """The PDF of an outgoing letter or decision, ready to be sealed (PAdES)."""
    styles = _styles()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=letter.title,
        author=letter.office_name,
        subject=letter.signature,
    )
    head = Table(
        [
            [
                Paragraph(
                    f"{escape(letter.office_name)}<br/>{_lines(letter.office_address)}",
                    styles["small"],
                ),
                Paragraph(f"{escape(letter.place)}, {polish_date(letter.date)}", styles["right"]),
            ]
        ],
        colWidths=[95 * mm, 70 * mm],
    )
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story: list = [
        head,
        Spacer(1, 6 * mm),
        Paragraph(f"Znak sprawy: {escape(letter.signature)}", styles["small"]),
        Spacer(1, 8 * mm),
        Table(
            [
                [
                    Paragraph("", styles["base"]),
                    Paragraph(_lines("\n".join(letter.recipient_lines)), styles["base"]),
                ]
            ],
            colWidths=[85 * mm, 80 * mm],
        ),
        Spacer(1, 10 * mm),
        Paragraph(escape(letter.title), styles["title"]),
    ]
    for paragraph in letter.body.split("\n\n"):
        if paragraph.strip():
            story.append(Paragraph(_lines(paragraph.strip()), styles["body"]))
    story += [
        Spacer(1, 12 * mm),
        Table(
            [
                [
                    Paragraph("", styles["base"]),
                    Paragraph(_lines("\n".join(letter.signer_lines)), styles["small"]),
                ]
            ],
            colWidths=[95 * mm, 70 * mm],
        ),
    ]
    if letter.footer:
        story += [Spacer(1, 10 * mm), Paragraph(_lines(letter.footer), styles["small"])]
    doc.build(story)
    return out.getvalue()


def distribution_footer(recipients: list[str], for_information: list[str]) -> str:
    """The rozdzielnik at the foot of a letter: "Otrzymują:" and "Do wiadomości:".

    Official letters list their addressees so that each party sees who else
    was served (KPA art. 109 § 1: a decision is delivered to every party).
    The headings are the fixed Polish ones of the instrukcja kancelaryjna.
    """
    blocks = []
    for heading, names in (("Otrzymują:", recipients), ("Do wiadomości:", for_information)):
        if names:
            blocks.append(
                "\n".join([heading, *(f"{n}. {name}" for n, name in enumerate(names, 1))])
            )
    return "\n\n".join(blocks)


def address_label_pdf(sender_lines: list[str], recipient_lines: list[str], number: str) -> bytes:
    """An address label for a paper letter (DL envelope window size, 100 x 45 mm)."""
    styles = _styles()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=(100 * mm, 70 * mm),
        leftMargin=6 * mm,
        rightMargin=6 * mm,
        topMargin=5 * mm,
        bottomMargin=5 * mm,
        title=number,
    )
    doc.build(
        [
            Paragraph(_lines("\n".join(sender_lines)), styles["small"]),
            Spacer(1, 5 * mm),
            Paragraph(f"<b>{_lines(chr(10).join(recipient_lines))}</b>", styles["base"]),
            Spacer(1, 3 * mm),
            Paragraph(escape(number), styles["small"]),
        ]
    )
    return out.getvalue()


def evidence_pdf(title: str, rows: list[tuple[str, str]], note: str = "") -> bytes:
    """A confirmation (of dispatch or delivery) as a table of facts."""
    styles = _styles()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        title=title,
        leftMargin=25 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
    )
    table = Table(
        [
            [Paragraph(escape(k), styles["small"]), Paragraph(escape(v), styles["base"])]
            for k, v in rows
        ],
        colWidths=[55 * mm, 110 * mm],
    )
    table.setStyle(
        TableStyle(
            [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.25, "#999999")]
        )
    )
    story: list = [Paragraph(escape(title), styles["title"]), Spacer(1, 6 * mm), table]
    if note:
        story += [Spacer(1, 6 * mm), Paragraph(_lines(note), styles["small"])]
    doc.build(story)
    return out.getvalue()
