"""The visa invitation letter as a PDF: the same letter in English and in Chinese, one after the other.

The wording is fixed in both languages (a consulate reads the letter, whatever language its reader chose), so it
is not in the gettext catalogues. Chinese needs a CJK font: VISA_CJK_FONT, else the first of the usual Debian
fonts found (fonts-wqy-microhei, which scripts/system-packages.sh installs, fonts-wqy-zenhei, fonts-noto-cjk,
fonts-arphic-uming). Without any, the letter is in English only, drawn with a built-in PDF font."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from babel import Locale, dates
from fpdf import FPDF
from fpdf.enums import WrapMode

# (file, face in the collection): Noto's collections hold JP, KR, SC, TC, HK in that order.
CJK_FONTS: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
)


@dataclass(frozen=True)
class CjkFont:
    path: Path
    face: int


def find_cjk_font(configured: Path | None = None) -> CjkFont | None:
    if configured is not None:
        return CjkFont(configured, 0) if configured.is_file() else None
    for path, face in CJK_FONTS:
        if Path(path).is_file():
            return CjkFont(Path(path), face)
    return None


@dataclass(frozen=True)
class LetterFacts:
    reference: str
    issued_on: date
    summit_en: str
    summit_zh: str
    venue_en: str
    venue_zh: str
    starts_on: date
    ends_on: date
    passport_name: str
    nationality: str  # ISO 3166 alpha-2
    passport_number: str
    date_of_birth: date
    passport_expires_on: date
    purpose: str
    arrives_on: date | None
    departs_on: date | None
    ticket_type_en: str
    ticket_type_zh: str
    signatory: str


@cache
def _locale(tag: str) -> Locale:
    return Locale.parse(tag)


def _date(value: date, tag: str) -> str:
    return dates.format_date(value, "long", locale=_locale(tag))


def _country(code: str, tag: str) -> str:
    return str(_locale(tag).territories.get(code, code))


def english(facts: LetterFacts) -> tuple[str, list[tuple[str, str]], list[str]]:
    """(title, facts table, paragraphs) of the English letter."""
    summit = facts.summit_en or facts.summit_zh
    venue = facts.venue_en or facts.venue_zh
    where = f", to be held at {venue}" if venue else ""
    rows = [
        ("Full name (as in passport)", facts.passport_name),
        ("Nationality", _country(facts.nationality, "en")),
        ("Date of birth", _date(facts.date_of_birth, "en")),
        ("Passport number", facts.passport_number),
        ("Passport valid until", _date(facts.passport_expires_on, "en")),
        ("Purpose of the visit", facts.purpose or f"To attend {summit}"),
    ]
    if facts.arrives_on or facts.departs_on:
        stay = " to ".join(_date(d, "en") for d in (facts.arrives_on, facts.departs_on) if d is not None)
        rows.append(("Intended stay", stay))
    rows.append(("Registration", f"{facts.ticket_type_en or facts.ticket_type_zh} ticket, reference {facts.reference}"))
    paragraphs = [
        "To the visa officer concerned,",
        f"We are pleased to invite the person named below to attend {summit}{where}, "
        f"from {_date(facts.starts_on, 'en')} to {_date(facts.ends_on, 'en')}.",
        f"{facts.passport_name} is a registered attendee of {summit}. This letter is issued only to support a "
        "visa application. It does not commit the organizers to any cost: the attendee bears their own travel, "
        "accommodation and living expenses.",
        "Sincerely,",
        f"{facts.signatory}\nOn behalf of the organizers of {summit}",
    ]
    return "Letter of Invitation", rows, paragraphs


def chinese(facts: LetterFacts) -> tuple[str, list[tuple[str, str]], list[str]]:
    summit = facts.summit_zh or facts.summit_en
    venue = facts.venue_zh or facts.venue_en
    where = f"在{venue}" if venue else ""
    rows = [
        ("姓名（与护照一致）", facts.passport_name),
        ("国籍", _country(facts.nationality, "zh_Hans")),
        ("出生日期", _date(facts.date_of_birth, "zh_Hans")),
        ("护照号码", facts.passport_number),
        ("护照有效期至", _date(facts.passport_expires_on, "zh_Hans")),
        ("访问目的", facts.purpose or f"出席{summit}"),
    ]
    if facts.arrives_on or facts.departs_on:
        stay = "至".join(_date(d, "zh_Hans") for d in (facts.arrives_on, facts.departs_on) if d is not None)
        rows.append(("预计停留", stay))
    rows.append(("注册信息", f"{facts.ticket_type_zh or facts.ticket_type_en}，编号 {facts.reference}"))
    paragraphs = [
        "尊敬的签证官员：",
        f"我们诚挚邀请以下人员出席{_date(facts.starts_on, 'zh_Hans')}至{_date(facts.ends_on, 'zh_Hans')}"
        f"{where}举办的{summit}。",
        f"{facts.passport_name}为{summit}的注册参会者。本函仅用于办理签证，主办方不承担任何费用，"
        "参会者自行承担差旅、住宿及生活费用。",
        "此致\n敬礼！",
        f"{facts.signatory}\n谨代表{summit}组委会",
    ]
    return "邀请函", rows, paragraphs


class _Letter:
    def __init__(self, font: CjkFont | None) -> None:
        self.pdf = FPDF(format="A4")
        self.pdf.set_margins(20, 20, 20)
        self.pdf.set_auto_page_break(True, margin=20)
        self.unicode = font is not None
        if font is not None:
            self.pdf.add_font("letter", "", str(font.path), collection_font_number=font.face)
            self.family = "letter"
        else:
            self.family = "Helvetica"
        self.wrapmode = WrapMode.WORD

    def text(self, value: str) -> str:
        # The built-in font has Latin-1 only; anything else becomes "?" rather than an error.
        return value if self.unicode else value.encode("latin-1", "replace").decode("latin-1")

    def write(self, value: str, size: float = 11, height: float = 6, align: str = "L") -> None:
        self.pdf.set_font(self.family, "", size)
        self.pdf.multi_cell(
            0, height, self.text(value), align=align, new_x="LMARGIN", new_y="NEXT", wrapmode=self.wrapmode
        )

    def letter(self, facts: LetterFacts, lang: str, content: tuple[str, list[tuple[str, str]], list[str]]) -> None:
        title, rows, paragraphs = content
        self.pdf.add_page()
        # Chinese has no spaces between words: it breaks between any two characters.
        self.wrapmode = WrapMode.CHAR if lang == "zh" else WrapMode.WORD
        summit, venue = (facts.summit_zh, facts.venue_zh) if lang == "zh" else (facts.summit_en, facts.venue_en)
        self.write(summit or facts.summit_en or facts.summit_zh, size=15, height=8)
        if venue:
            self.write(venue, size=10, height=5)
        issued = _date(facts.issued_on, "zh_Hans" if lang == "zh" else "en")
        if lang == "zh":
            self.write(f"编号：{facts.reference}    日期：{issued}", size=10)
        else:
            self.write(f"Reference: {facts.reference}    Date: {issued}", size=10)
        self.pdf.ln(6)
        self.write(title, size=18, height=10, align="C")
        self.pdf.ln(4)
        self.write(paragraphs[0])
        self.pdf.ln(2)
        self.write(paragraphs[1])
        self.pdf.ln(3)
        self.pdf.set_font(self.family, "", 11)
        with self.pdf.table(
            col_widths=(55, 115), borders_layout="NONE", first_row_as_headings=False, line_height=7, text_align="LEFT"
        ) as table:
            for label, value in rows:
                row = table.row()
                row.cell(self.text(label))
                row.cell(self.text(value))
        self.pdf.ln(3)
        for paragraph in paragraphs[2:]:
            self.write(paragraph)
            self.pdf.ln(4)


def render_letter(facts: LetterFacts, font: CjkFont | None) -> bytes:
    """The PDF: the English letter, then (with a CJK font) the Chinese one on its own page."""
    letter = _Letter(font)
    letter.pdf.set_title(f"Letter of Invitation {facts.reference}")
    letter.pdf.set_creator("Podium")
    letter.letter(facts, "en", english(facts))
    if font is not None:
        letter.letter(facts, "zh", chinese(facts))
    return bytes(letter.pdf.output())
