"""Word files (python-docx) with Chinese text: python-docx's `font.name` sets only the Latin font
slots, so Chinese text would fall back to Word's East-Asian default; `east_asian` sets that slot
too. The 公文 fonts are named, not bundled (they are proprietary): Word uses them where installed."""

from __future__ import annotations

BODY_FONT = "仿宋_GB2312"
LATIN_FONT = "Times New Roman"


def east_asian(run_or_style, name: str = BODY_FONT, latin: str = LATIN_FONT) -> None:
    from docx.oxml.ns import qn

    run_or_style.font.name = latin
    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for slot in ("w:ascii", "w:hAnsi"):
        fonts.set(qn(slot), latin)
    fonts.set(qn("w:eastAsia"), name)
