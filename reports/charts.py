"""Server-side SVG charts for the annual report: no JavaScript, served as <img src="….svg"> (so
the page's CSP needs no exception), printable and archivable. Series differ by pattern as well as
colour (WCAG 1.4.1), every bar carries its number, and the page shows the same data as a table."""

from __future__ import annotations

from xml.sax.saxutils import escape

from .narrative import outcome_group_totals

FONT = "'Noto Sans CJK SC','Source Han Sans SC','WenQuanYi Micro Hei','Microsoft YaHei',sans-serif"
# (fill colour, pattern id): dark enough for 3:1 against white; patterns tell them apart in grey.
SERIES = [
    ("#1f4e8c", "solid"),
    ("#b35900", "stripes"),
    ("#2e7d32", "dots"),
    ("#6a1b9a", "cross"),
    ("#8c1f3b", "hstripes"),
    ("#555555", "grid"),
]
MAX_SERIES = 5


def _defs() -> str:
    out = ["<defs>"]
    for colour, pattern in SERIES:
        if pattern == "solid":
            continue
        pid = f"p-{pattern}-{colour[1:]}"
        shapes = {
            "stripes": '<path d="M0,8 L8,0" stroke="#fff" stroke-width="2"/>',
            "dots": '<circle cx="4" cy="4" r="1.6" fill="#fff"/>',
            "cross": '<path d="M0,0 L8,8 M8,0 L0,8" stroke="#fff" stroke-width="1.5"/>',
            "hstripes": '<path d="M0,4 L8,4" stroke="#fff" stroke-width="2"/>',
            "grid": '<path d="M4,0 L4,8 M0,4 L8,4" stroke="#fff" stroke-width="1.2"/>',
        }[pattern]
        out.append(
            f'<pattern id="{pid}" width="8" height="8" patternUnits="userSpaceOnUse">'
            f'<rect width="8" height="8" fill="{colour}"/>{shapes}</pattern>'
        )
    out.append("</defs>")
    return "".join(out)


def _fill(index: int) -> str:
    colour, pattern = SERIES[index % len(SERIES)]
    return colour if pattern == "solid" else f"url(#p-{pattern}-{colour[1:]})"


def _svg(width: int, height: int, title: str, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'font-family="{FONT}" font-size="13">'
        f"<title>{escape(title)}</title>{_defs()}"
        f'<rect width="{width}" height="{height}" fill="#fff"/>'
        f'<text x="{width / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold" fill="#111">'
        f"{escape(title)}</text>{body}</svg>"
    )


def _nice_max(value: int) -> int:
    if value <= 5:
        return 5
    step = 10 ** (len(str(value)) - 1)
    for m in (1, 2, 5, 10):
        if value <= m * step:
            return m * step
    return value


def _axis(x0: int, y0: int, width: int, height: int, top: int) -> str:
    out = []
    for i in range(6):
        value = top * i // 5
        y = y0 - height * i / 5
        out.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x0 + width}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{x0 - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#333">{value}</text>')
    out.append(f'<line x1="{x0}" y1="{y0}" x2="{x0 + width}" y2="{y0}" stroke="#333"/>')
    return "".join(out)


def monthly_series(data: dict) -> list[dict]:
    """Top categories, the rest folded into 其他栏目."""
    cats = data["items"]["by_category"]
    series = [dict(c) for c in cats[:MAX_SERIES]]
    rest = cats[MAX_SERIES:]
    if rest:
        months = [sum(c["months"][m] for c in rest) for m in range(12)]
        series.append({"name": "其他栏目", "months": months, "total": sum(months)})
    return series


def monthly_rows(data: dict) -> dict:
    series = monthly_series(data)
    totals = [sum(s["months"][m] for s in series) for m in range(12)]
    return {"series": series, "totals": totals, "total": sum(totals)}


def monthly(data: dict) -> str:
    series = monthly_series(data)
    width, height = 760, 400
    x0, y0, plot_w, plot_h = 60, 320, 660, 260
    totals = [sum(s["months"][m] for s in series) for m in range(12)]
    top = _nice_max(max(totals, default=0))
    body = [_axis(x0, y0, plot_w, plot_h, top)]
    slot = plot_w / 12
    bar = slot * 0.6
    for m in range(12):
        x = x0 + slot * m + (slot - bar) / 2
        y = y0
        for i, s in enumerate(series):
            n = s["months"][m]
            if not n:
                continue
            h = plot_h * n / top
            y -= h
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{_fill(i)}" '
                f'stroke="#fff" stroke-width="0.5"><title>{escape(s["name"])} {m + 1}月：{n}条</title></rect>'
            )
        if totals[m]:
            body.append(
                f'<text x="{x + bar / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" fill="#111">{totals[m]}</text>'
            )
        body.append(f'<text x="{x + bar / 2:.1f}" y="{y0 + 18}" text-anchor="middle" fill="#333">{m + 1}月</text>')
    lx, ly = x0, y0 + 40
    for i, s in enumerate(series):
        col_x = lx + (i % 3) * 230
        row_y = ly + (i // 3) * 22
        body.append(
            f'<rect x="{col_x}" y="{row_y - 11}" width="16" height="14" fill="{_fill(i)}" stroke="#333" '
            f'stroke-width="0.5"/><text x="{col_x + 22}" y="{row_y}" fill="#111">'
            f"{escape(s['name'])}（{s['total']}条）</text>"
        )
    if not series:
        body.append(
            f'<text x="{width / 2}" y="{y0 - plot_h / 2}" text-anchor="middle" fill="#333">本年度无主动公开信息</text>'
        )
    title = f"{data['year']}年各月主动公开信息数量（按栏目）"
    return _svg(width, height + 20 * max(len(series) // 3 - 1, 0), title, "".join(body))


def outcomes(data: dict) -> str:
    groups = outcome_group_totals(data)
    width, height = 760, 320
    x0, y0, plot_w = 150, 50, 540
    top = _nice_max(max((n for _, n in groups), default=0))
    body = []
    row_h = 38
    for i, (label, n) in enumerate(groups):
        y = y0 + i * row_h
        w = plot_w * n / top
        body.append(f'<text x="{x0 - 8}" y="{y + 19}" text-anchor="end" fill="#111">{escape(label)}</text>')
        body.append(f'<rect x="{x0}" y="{y + 4}" width="{w:.1f}" height="22" fill="{_fill(0)}"/>')
        body.append(f'<text x="{x0 + w + 6:.1f}" y="{y + 19}" fill="#111">{n}件</text>')
    body.append(f'<line x1="{x0}" y1="{y0}" x2="{x0}" y2="{y0 + row_h * len(groups)}" stroke="#333"/>')
    title = f"{data['year']}年政府信息公开申请办理结果"
    return _svg(width, height, title, "".join(body))


def comparison(data: dict) -> str:
    from .tables import KEY_FIGURE_LABELS

    width, height = 760, 380
    x0, y0, plot_w, plot_h = 60, 300, 660, 240
    values = [(label, data["previous"][key], data["current"][key]) for key, label in KEY_FIGURE_LABELS]
    top = _nice_max(max((max(p, c) for _, p, c in values), default=0))
    body = [_axis(x0, y0, plot_w, plot_h, top)]
    slot = plot_w / len(values)
    bar = slot * 0.3
    year = data["year"]
    for i, (label, previous, current) in enumerate(values):
        x = x0 + slot * i + slot * 0.17
        for j, (n, fill) in enumerate(((previous, _fill(1)), (current, _fill(0)))):
            h = plot_h * n / top
            bx = x + j * (bar + 4)
            body.append(f'<rect x="{bx:.1f}" y="{y0 - h:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{fill}"/>')
            body.append(
                f'<text x="{bx + bar / 2:.1f}" y="{y0 - h - 4:.1f}" text-anchor="middle" fill="#111">{n}</text>'
            )
        body.append(
            f'<text x="{x0 + slot * i + slot / 2:.1f}" y="{y0 + 20}" text-anchor="middle" fill="#333">'
            f"{escape(label)}</text>"
        )
    for j, (name, fill) in enumerate(((f"{year - 1}年", _fill(1)), (f"{year}年", _fill(0)))):
        lx = x0 + j * 140
        body.append(
            f'<rect x="{lx}" y="{y0 + 40}" width="16" height="14" fill="{fill}" stroke="#333" '
            'stroke-width="0.5"/>'
            f'<text x="{lx + 22}" y="{y0 + 52}" fill="#111">{name}</text>'
        )
    title = f"{year}年与{year - 1}年主要数据对比"
    return _svg(width, height, title, "".join(body))


CHARTS = {"monthly": monthly, "outcomes": outcomes, "comparison": comparison}
