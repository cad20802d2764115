"""Charts drawn on the server as inline SVG.

One function per chart, each returning a complete <svg> with a viewBox, a <title> and an
aria-label, so the same markup shows in the browser, prints crisply to A4 and goes into a
WeasyPrint PDF unchanged. No script and no font files: text uses the CJK fonts the reader's
system (or the PDF renderer's) already has. Every label is escaped here; callers pass plain text.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

FONT_FAMILY = "'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif"
INK = "#1f2937"
MUTED = "#6b7280"
GRID = "#e5e7eb"
BAR = "#1d4ed8"
EMPTY_CELL = "#f3f4f6"
TARGET_LINE = "#b91c1c"
STRETCH_LINE = "#15803d"
FONT_SIZE = 12


# Building blocks -------------------------------------------------------------------------------


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """An estimate of a label's width: a CJK character is about one em, Latin about 0.6 em."""
    return sum(size if ord(c) >= 0x2E80 else size * 0.6 for c in text)


def clip(text: str, room: float, size: float = FONT_SIZE) -> str:
    """A label cut with an ellipsis to fit the room; the full text stays in the element's title."""
    if text_width(text, size) <= room:
        return text
    out = ""
    for char in text:
        if text_width(out + char + "…", size) > room:
            break
        out += char
    return out + "…"


def colon() -> str:
    """The colon after a label, as the reader's language writes it (：, or ": ")."""
    return pgettext("冒号", "：")


def number(value: float | int | None, unit: str = "") -> str:
    """A figure as printed: 93, 0.3, 1,250.5 — at most two decimals, no trailing zeros."""
    if value is None:
        return "—"
    as_float = float(value)
    text = f"{int(as_float):,}" if as_float.is_integer() else f"{as_float:,.2f}".rstrip("0").rstrip(".")
    return f"{text}{unit}"


def _svg(body: list[str], *, width: float, height: float, title: str, css_class: str = "chart") -> SafeString:
    label = escape(title)
    # Every label, link and colour in body went through escape() (tests/test_charts pins it).
    return mark_safe(  # noqa: S308  # nosec B308 B703
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" role="img" aria-label="{label}" '
        f'viewBox="0 0 {width:g} {height:g}" width="{width:g}" height="{height:g}" '
        f'font-family="{FONT_FAMILY}" font-size="{FONT_SIZE}" fill="{INK}">'
        f"<title>{label}</title>" + "".join(body) + "</svg>"
    )


def _text(
    x: float,
    y: float,
    text: str,
    *,
    anchor: str = "start",
    fill: str = INK,
    size: int | None = None,
    weight: str | None = None,
) -> str:
    extra = f' font-size="{size}"' if size else ""
    extra += f' font-weight="{weight}"' if weight else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}"{extra}>{escape(text)}</text>'


def _link(href: str | None, inner: str) -> str:
    return f'<a href="{escape(href)}">{inner}</a>' if href else inner


def _empty(title: str, width: int) -> SafeString:
    return _svg(
        [_text(width / 2, 30, _("暂无数据"), anchor="middle", fill=MUTED)],
        width=width,
        height=48,
        title=title,
    )


def _nice_step(span: float, ticks: int = 4) -> float:
    raw = span / ticks if span > 0 else 1
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)


def _legend(items: Sequence[tuple[str, str]], *, y: float, width: float) -> tuple[list[str], float]:
    """A wrapping row of colour swatches with labels; returns the markup and the height used."""
    out, x, row = [], 0.0, 0
    for label, colour in items:
        need = 18 + text_width(label) + 16
        if x and x + need > width:
            x, row = 0.0, row + 1
        top = y + row * 20
        out.append(f'<rect x="{x:.1f}" y="{top:.1f}" width="12" height="12" rx="2" fill="{escape(colour)}"/>')
        out.append(_text(x + 17, top + 11, label))
        x += need
    return out, (row + 1) * 20


# Charts ----------------------------------------------------------------------------------------


def bar_chart(
    rows: list[tuple[str, float]],
    *,
    unit: str = "",
    max_value: float | None = None,
    width: int = 640,
    title: str = "",
    links: Mapping[str, str] | None = None,
    colour: str = BAR,
) -> SafeString:
    """Horizontal bars, one row per label, the value printed at the bar's end (a ranking)."""
    title = title or _("柱状图")
    if not rows:
        return _empty(title, width)
    links = links or {}
    label_room = min(max(text_width(label) for label, _v in rows) + 8, width * 0.38)
    value_room = max(text_width(number(v, unit)) for _l, v in rows) + 10
    bar_room = max(width - label_room - value_room, 20)
    top = max_value if max_value else max((v for _l, v in rows), default=0) or 1
    row_h, bar_h = 26, 16
    body = []
    for i, (label, value) in enumerate(rows):
        y = i * row_h + 4
        length = max(0.0, min(float(value or 0) / float(top), 1.0)) * bar_room
        tip = f"{label}{colon()}{number(value, unit)}"
        bar = (
            f'<rect x="{label_room:.1f}" y="{y:.1f}" width="{length:.1f}" height="{bar_h}" rx="2" '
            f'fill="{escape(colour)}"><title>{escape(tip)}</title></rect>'
        )
        body.append(
            _link(
                links.get(label),
                _text(label_room - 8, y + 12.5, clip(label, label_room - 8), anchor="end")
                + bar
                + _text(label_room + length + 5, y + 12.5, number(value, unit), fill=MUTED),
            )
        )
    return _svg(body, width=width, height=len(rows) * row_h + 8, title=title)


def stacked_bar_chart(
    rows: list[tuple[str, dict[str, float]]],
    *,
    series: list[tuple[str, str, str]],
    width: int = 640,
    title: str = "",
    links: Mapping[str, str] | None = None,
    segment_links: Mapping[tuple[str, str], str] | None = None,
) -> SafeString:
    """Horizontal stacked bars (one row per label, one segment per series key) with a legend;
    each segment is labelled with its count when wide enough. A row's label and total link to
    links[label]; a segment to segment_links[(label, key)], else to the row's link."""
    title = title or _("堆积柱状图")
    if not rows:
        return _empty(title, width)
    links = links or {}
    segment_links = segment_links or {}
    legend, legend_h = _legend([(label, colour) for _k, label, colour in series], y=0, width=width)
    label_room = min(max(text_width(label) for label, _c in rows) + 8, width * 0.38)
    totals = [sum(float(counts.get(key, 0) or 0) for key, _l, _c in series) for _r, counts in rows]
    total_room = max(text_width(number(t)) for t in totals) + 10
    bar_room = max(width - label_room - total_room, 20)
    top = max(totals) or 1
    row_h, bar_h = 26, 16
    body = list(legend)
    for i, ((label, counts), total) in enumerate(zip(rows, totals, strict=True)):
        y = legend_h + 6 + i * row_h
        x = label_room
        segments = []
        for key, series_label, colour in series:
            value = float(counts.get(key, 0) or 0)
            if not value:
                continue
            length = value / top * bar_room
            tip = f"{label} · {series_label}{colon()}{number(value)}"
            segment = (
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{length:.1f}" height="{bar_h}" fill="{escape(colour)}">'
                f"<title>{escape(tip)}</title></rect>"
            )
            if length >= text_width(number(value)) + 6:
                segment += _text(x + length / 2, y + 12.5, number(value), anchor="middle", fill="#fff")
            segments.append(_link(segment_links.get((label, key), links.get(label)), segment))
            x += length
        body.append(
            _link(
                links.get(label), _text(label_room - 8, y + 12.5, clip(label, label_room - 8), anchor="end")
            )
            + "".join(segments)
            + _link(links.get(label), _text(x + 5, y + 12.5, number(total), fill=MUTED))
        )
    return _svg(body, width=width, height=legend_h + 6 + len(rows) * row_h + 4, title=title)


BONUS = "#7c3aed"
PENALTY = "#dc2626"


def score_chart(
    rows: list[tuple[str, Mapping[str, float], float, float, float]],
    *,
    series: list[tuple[str, str, str]],
    width: int = 640,
    title: str = "",
    decimals: int = 2,
    bonus_label: str | None = None,
    penalty_label: str | None = None,
    total_label: str | None = None,
) -> SafeString:
    """An assessment's scores: per row (label, part per series key, bonus, penalty, total) the
    parts stacked, the bonus added after them, the penalty struck off the bar's end (hatched),
    and the total printed at the end, so the bar ends where the ranking's total is (a total kept
    within bounds by the rules is printed as given, not re-added here)."""
    title = title or _("得分构成")
    if not rows:
        return _empty(title, width)
    bonus_label = bonus_label or _("加分")
    penalty_label = penalty_label or _("扣分")
    total_label = total_label or _("总分")
    legend_items = [(label, colour) for _k, label, colour in series]
    legend_items += [(bonus_label, BONUS), (penalty_label, PENALTY)]
    legend, legend_h = _legend(legend_items, y=0, width=width)
    label_room = min(max(text_width(label) for label, *_rest in rows) + 8, width * 0.34)
    totals = [f"{float(total):.{decimals}f}" for *_head, total in rows]
    total_room = max(text_width(t) for t in totals) + 10
    bar_room = max(width - label_room - total_room, 20)
    reach = [
        sum(float(v or 0) for v in parts.values()) + float(bonus or 0) for _l, parts, bonus, _p, _t in rows
    ]
    top = max([100.0, *reach])
    scale = bar_room / top
    row_h, bar_h = 26, 16
    hatch = f"penalty-{zlib.crc32(title.encode()):08x}"  # one id per chart: a page may hold several
    body = [
        f'<defs><pattern id="{hatch}" width="4" height="4" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="4" height="4" fill="#fff"/>'
        f'<line x1="0" y1="0" x2="0" y2="4" stroke="{PENALTY}" stroke-width="2"/></pattern></defs>',
        *legend,
    ]
    for i, ((label, parts, bonus, penalty, total), total_text) in enumerate(zip(rows, totals, strict=True)):
        y = legend_h + 6 + i * row_h
        x = label_room
        segments = []
        pieces = [(key, name, colour, float(parts.get(key, 0) or 0)) for key, name, colour in series]
        pieces.append(("bonus", bonus_label, BONUS, float(bonus or 0)))
        for _key, name, colour, value in pieces:
            if value <= 0:
                continue
            length = value * scale
            tip = f"{label} · {name}{colon()}{number(value)}"
            segments.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{length:.1f}" height="{bar_h}" fill="{escape(colour)}">'
                f"<title>{escape(tip)}</title></rect>"
            )
            if length >= text_width(number(value), 11) + 6:
                segments.append(
                    _text(x + length / 2, y + 12.5, number(value), anchor="middle", fill="#fff", size=11)
                )
            x += length
        penalty = float(penalty or 0)
        if penalty > 0:
            length = min(penalty * scale, x - label_room)
            tip = f"{label} · {penalty_label}{colon()}{number(penalty)}"
            segments.append(
                f'<rect x="{x - length:.1f}" y="{y:.1f}" width="{length:.1f}" height="{bar_h}" '
                f'fill="url(#{hatch})" stroke="{PENALTY}" stroke-width="1">'
                f"<title>{escape(tip)}</title></rect>"
            )
        end = label_room + float(total) * scale
        tip = f"{label}{colon()}{total_label} {total_text}"
        body.append(
            f'<g class="score-row" data-total="{escape(total_text)}"><title>{escape(tip)}</title>'
            + _text(label_room - 8, y + 12.5, clip(label, label_room - 8), anchor="end")
            + "".join(segments)
            + f'<line x1="{end:.1f}" x2="{end:.1f}" y1="{y - 2:.1f}" y2="{y + bar_h + 2:.1f}" stroke="{INK}" '
            'stroke-width="1.5"/>' + _text(max(x, end) + 5, y + 12.5, total_text, weight="700") + "</g>"
        )
    return _svg(body, width=width, height=legend_h + 6 + len(rows) * row_h + 4, title=title)


def line_chart(
    points: list[tuple[str, float | None]],
    *,
    target: float | None = None,
    stretch: float | None = None,
    unit: str = "",
    width: int = 640,
    title: str = "",
) -> SafeString:
    """A value over periods with the target line (red, dashed) and the stretch line (green,
    dotted); a missing period breaks the line rather than joining across it."""
    title = title or _("趋势图")
    values = [float(v) for _l, v in points if v is not None]
    if not values:
        return _empty(title, width)
    height, right, top_pad, bottom = 240, 16.0, 14.0, 28.0
    ticks = _value_ticks(values + [float(x) for x in (target, stretch) if x is not None])
    left = max(text_width(number(t, unit)) for t in ticks) + 10
    plot = _LinePlot(
        lo=ticks[0], hi=ticks[-1], left=left, top=top_pad, width=width - left - right,
        height=height - top_pad - bottom, count=len(points),
    )  # fmt: skip
    body = []
    for t in ticks:
        body.append(
            f'<line x1="{left:.1f}" x2="{width - right:.1f}" y1="{plot.y(t):.1f}" y2="{plot.y(t):.1f}" '
            f'stroke="{GRID}"/>'
        )
        body.append(_text(left - 6, plot.y(t) + 4, number(t, unit), anchor="end", fill=MUTED, size=11))
    body += _period_labels(points, plot, baseline=height - 9)
    for ref, colour, dash, name in (
        (target, TARGET_LINE, "6 4", _("目标")),
        (stretch, STRETCH_LINE, "2 3", _("力争")),
    ):
        if ref is not None:
            y = plot.y(float(ref))
            body.append(
                f'<line x1="{left:.1f}" x2="{width - right:.1f}" y1="{y:.1f}" y2="{y:.1f}" stroke="{colour}" '
                f'stroke-width="1.5" stroke-dasharray="{dash}"/>'
            )
            body.append(
                _text(width - right, y - 4, f"{name} {number(ref, unit)}", anchor="end", fill=colour, size=11)
            )
    body += _value_line(points, plot, unit)
    return _svg(body, width=width, height=height, title=title)


def _value_ticks(values: list[float]) -> list[float]:
    """The value axis's ticks: round steps that span every value, from zero when zero is near."""
    lo, hi = min(values), max(values)
    if lo >= 0 and lo <= (hi - lo):
        lo = 0.0  # start at zero unless that flattens the line into the top of the chart
    step = _nice_step(hi - lo or abs(hi) or 1)
    lo = math.floor(lo / step) * step
    hi = math.ceil(hi / step) * step
    if hi == lo:
        hi = lo + step
    return [lo + i * step for i in range(int(round((hi - lo) / step)) + 1)]


@dataclass(frozen=True)
class _LinePlot:
    """The plotting area of a line chart: where period i and value v fall."""

    lo: float
    hi: float
    left: float
    top: float
    width: float
    height: float
    count: int

    def x(self, i: int) -> float:
        return self.left + (self.width * (i + 0.5) / self.count)

    def y(self, v: float) -> float:
        return self.top + self.height * (1 - (v - self.lo) / (self.hi - self.lo))


def _period_labels(points, plot: _LinePlot, *, baseline: float) -> list[str]:
    """Every k-th period's label, so that neighbours never overlap on a long series."""
    need = max(text_width(label, 11) for label, _v in points) + 8
    every = max(1, math.ceil(need / (plot.width / len(points))))
    return [
        _text(plot.x(i), baseline, label, anchor="middle", fill=MUTED, size=11)
        for i, (label, _v) in enumerate(points)
        if i % every == 0
    ]


def _value_line(points, plot: _LinePlot, unit: str) -> list[str]:
    """The values as a line broken where a period has none, with a dot and a tooltip each."""
    segments: list[list[str]] = [[]]
    for i, (_label, v) in enumerate(points):
        if v is None:
            segments.append([])
        else:
            segments[-1].append(f"{plot.x(i):.1f},{plot.y(float(v)):.1f}")
    body = [
        f'<polyline points="{" ".join(seg)}" fill="none" stroke="{BAR}" stroke-width="2"/>'
        for seg in segments
        if seg
    ]
    for i, (label, v) in enumerate(points):
        if v is not None:
            tip = f"{label}{colon()}{number(v, unit)}"
            body.append(
                f'<circle cx="{plot.x(i):.1f}" cy="{plot.y(float(v)):.1f}" r="3.5" fill="{BAR}">'
                f"<title>{escape(tip)}</title></circle>"
            )
    return body


def heatmap(
    rows: list[str],
    columns: list[str],
    cells: dict[tuple[str, str], str],
    *,
    legend: dict[str, tuple[str, str]],
    title: str = "",
    links: Mapping[str, str] | None = None,
) -> SafeString:
    """A grid of rows × columns (departments × months), each cell coloured by its state through
    the legend (state → label, colour); a cell with no state is left pale."""
    title = title or _("热力图")
    if not rows or not columns:
        return _empty(title, 640)
    links = links or {}
    label_room = min(max(text_width(r) for r in rows) + 10, 180)
    # Cells fill a 640 px chart when the months are few, and never shrink below a readable 22 px.
    cell_w = max(
        22.0, max(text_width(c, 11) for c in columns) + 6, min(48.0, (640 - label_room) / len(columns))
    )
    cell_h, head_h = 22, 22
    width = label_room + cell_w * len(columns) + 4
    body = []
    for j, column in enumerate(columns):
        body.append(_text(label_room + cell_w * (j + 0.5), 15, column, anchor="middle", fill=MUTED, size=11))
    for i, row in enumerate(rows):
        y = head_h + i * cell_h
        row_cells = []
        for j, column in enumerate(columns):
            state = cells.get((row, column))
            label, colour = legend.get(state, ("", EMPTY_CELL)) if state else ("", EMPTY_CELL)
            tip = f"{row} · {column}{colon()}{label or _('无')}"
            row_cells.append(
                f'<rect x="{label_room + cell_w * j + 1:.1f}" y="{y + 1:.1f}" width="{cell_w - 2:.1f}" '
                f'height="{cell_h - 2}" rx="2" fill="{escape(colour)}"><title>{escape(tip)}</title></rect>'
            )
        body.append(
            _link(links.get(row), _text(label_room - 8, y + 15, clip(row, label_room - 8), anchor="end"))
            + "".join(row_cells)
        )
    legend_svg, legend_h = _legend(
        list(legend.values()) + [(_("无需报送"), EMPTY_CELL)], y=head_h + len(rows) * cell_h + 10, width=width
    )
    body.extend(legend_svg)
    return _svg(
        body,
        width=width,
        height=head_h + len(rows) * cell_h + 10 + legend_h,
        title=title,
        css_class="chart chart-wide",
    )


def traffic_lights(
    counts: dict[str, int],
    *,
    labels: dict[str, str],
    colours: dict[str, str],
    title: str = "",
    links: Mapping[str, str] | None = None,
    width: int = 640,
) -> SafeString:
    """One light per state in the order of labels, its count inside and its label below."""
    title = title or _("红绿灯")
    links = links or {}
    keys = list(labels)
    if not keys:
        return _empty(title, width)
    slot = width / len(keys)
    radius = min(26.0, slot / 2 - 6)
    body = []
    for i, key in enumerate(keys):
        cx = slot * (i + 0.5)
        count = int(counts.get(key, 0) or 0)
        tip = f"{labels[key]}{colon()}{count}"
        dim = "" if count else ' fill-opacity="0.35"'
        colour = escape(colours.get(key, MUTED))
        light = (
            f'<circle cx="{cx:.1f}" cy="{radius + 4:.1f}" r="{radius:.1f}" fill="{colour}"{dim}>'
            f"<title>{escape(tip)}</title></circle>"
            + _text(cx, radius + 10, number(count), anchor="middle", fill="#fff", size=17, weight="700")
            + _text(cx, radius * 2 + 24, clip(labels[key], slot - 4), anchor="middle")
        )
        body.append(_link(links.get(key), light))
    return _svg(body, width=width, height=radius * 2 + 34, title=title)
