"""Charts drawn on the server as inline SVG: horizontal bars, a centred funnel and a scatter plot.

No script and no CDN; colours are presentation attributes (the CSP forbids style attributes). Each chart has a
<title> and a <desc> naming the table beside it, which holds the same figures for screen readers and export;
each bar or point has its own <title> with its exact figure, shown on hover."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup, escape

from podium.platform.i18n import gettext as _

WIDTH = 640
LABEL_WIDTH = 200
VALUE_WIDTH = 110
ROW = 28
BAR = 18
TOP = 8
INK = "#1a1a1a"
MUTED = "#4a4a4a"
LINE = "#d0d5dc"
BRAND = "#0b4f8a"
ACCENT = "#8a5a00"
# Label widths in "units": a Latin character is one, a CJK character two.
LABEL_UNITS = 26


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as the table shows it


def _units(text: str) -> int:
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)


def short(text: str, units: int = LABEL_UNITS) -> str:
    """The label cut to fit beside the bars (the full label is in the bar's <title> and in the table)."""
    if _units(text) <= units:
        return text
    kept, used = [], 0
    for c in text:
        used += 2 if ord(c) > 0x2E80 else 1
        if used > units - 1:
            break
        kept.append(c)
    return "".join(kept) + "…"


def _frame(chart_id: str, title: str, height: int, body: list[str]) -> Markup:
    desc = _("The table beside this chart holds the same figures.")
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-size="13" fill="{INK}">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704 - every text part is escaped above and below


def bars(chart_id: str, title: str, items: list[Bar], *, centred: bool = False, signed: bool = False) -> Markup:
    """Horizontal bars, longest = the largest value. centred draws them as a funnel; signed (a correlation
    from -1 to 1) draws them from a zero line in the middle, to the left for negative values."""
    height = TOP * 2 + ROW * max(1, len(items))
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    top = 1.0 if signed else max((item.value for item in items), default=0.0)
    zero = LABEL_WIDTH + room / 2 if signed else LABEL_WIDTH
    body = [] if centred else [f'<line x1="{zero}" y1="{TOP}" x2="{zero}" y2="{height - TOP}" stroke="{LINE}"/>']
    for n, item in enumerate(items):
        y = TOP + n * ROW
        if signed:
            size = room / 2 * min(abs(item.value), 1.0)
            x = zero - size if item.value < 0 else zero
        else:
            size = 0.0 if top <= 0 or item.value <= 0 else max(1.0, room * item.value / top)
            x = LABEL_WIDTH + (room - size) / 2 if centred else LABEL_WIDTH
        full = escape(f"{item.label}: {item.text}")
        fill = ACCENT if item.value < 0 else BRAND
        body.append(
            f"<g><title>{full}</title>"
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR - 4}" text-anchor="end">{escape(short(item.label))}</text>'
            f'<rect x="{x:.1f}" y="{y}" width="{size:.1f}" height="{BAR}" fill="{fill}"/>'
            f'<text x="{LABEL_WIDTH + room + 8}" y="{y + BAR - 4}" fill="{MUTED}">{escape(item.text)}</text></g>'
        )
    return _frame(chart_id, title, height, body)


def scatter(
    chart_id: str,
    title: str,
    points: list[tuple[int, int]],
    *,
    x_label: str,
    y_label: str,
    y_top: str,
    point_title: Callable[[int, int], str],
) -> Markup:
    """Place (x, 1 = best, on the left) against an amount (y, on a log scale: 0 sits on the axis); each
    point's <title> is point_title(place, amount)."""
    height, left, bottom, right, top = 320, 64, 44, 16, 12
    inner_w, inner_h = WIDTH - left - right, height - top - bottom
    most_x = max((x for x, _y in points), default=1)
    logs = [math.log10(y) if y > 0 else 0.0 for _x, y in points]
    low = min((v for v in logs if v > 0), default=0.0)
    high = max(logs, default=1.0)
    floor = math.floor(low) - 1 if low > 0 else 0.0
    span = max(high - floor, 1.0)
    body = [
        f'<line x1="{left}" y1="{top + inner_h}" x2="{left + inner_w}" y2="{top + inner_h}" stroke="{LINE}"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + inner_h}" stroke="{LINE}"/>',
        f'<text x="{left + inner_w / 2:.0f}" y="{height - 8}" text-anchor="middle" fill="{MUTED}">'
        f"{escape(x_label)}</text>",
        f'<text x="14" y="{top + inner_h / 2:.0f}" text-anchor="middle" fill="{MUTED}" '
        f'transform="rotate(-90 14 {top + inner_h / 2:.0f})">{escape(y_label)}</text>',
        f'<text x="{left}" y="{top + inner_h + 16}" text-anchor="middle" fill="{MUTED}">1</text>',
        f'<text x="{left - 4}" y="{top + 10}" text-anchor="end" fill="{MUTED}">{escape(y_top)}</text>',
        f'<text x="{left - 4}" y="{top + inner_h}" text-anchor="end" fill="{MUTED}">0</text>',
        f'<text x="{left + inner_w}" y="{top + inner_h + 16}" text-anchor="middle" fill="{MUTED}">{most_x}</text>',
    ]
    for (x, y), value in zip(points, logs, strict=True):
        px = left + (inner_w * (x - 1) / max(most_x - 1, 1))
        py = top + inner_h - (inner_h * (value - floor) / span if y > 0 else 0.0)
        colour = BRAND if y > 0 else ACCENT
        body.append(
            f"<g><title>{escape(point_title(x, y))}</title>"
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4" fill="{colour}" fill-opacity="0.75"/></g>'
        )
    return _frame(chart_id, title, height, body)
