"""信息处理费 (条例第四十二条; 政府信息公开信息处理费管理办法, 国办函〔2020〕109号, docs/rules.md).

Two ways of charging, both progressive; one application uses only one of them.
"""

from __future__ import annotations


def per_piece(pieces_this_month: int) -> int:
    """按件计收: the applicant's applications in one calendar month. 1–10 free; 11–30 at 100元;
    from 31 on, every further band of 10 costs 100元 more per piece."""
    fee = 0
    for n in range(1, pieces_this_month + 1):
        if n <= 10:
            continue
        if n <= 30:
            fee += 100
        else:
            fee += 100 + 100 * ((n - 31) // 10 + 1)
    return fee


def per_page(pages: int) -> int:
    """按量计收: 1–30 pages free; 31–100 at 10元; 101–200 at 20元; from 201 at 40元 a page."""
    fee = 0
    for n in range(1, pages + 1):
        if n <= 30:
            continue
        fee += 10 if n <= 100 else 20 if n <= 200 else 40
    return fee


METHODS = {"piece": "按件计收", "page": "按量计收"}


def fee_for(method: str, quantity: int) -> tuple[int, str]:
    """(amount in 元, basis) for one application: 按件 charges this application as the applicant's
    `quantity`-th of the month; 按量 charges `quantity` pages. One method per application."""
    if method == "piece":
        return per_piece(quantity) - per_piece(quantity - 1), f"按件计收：本自然月第{quantity}件"
    return per_page(quantity), f"按量计收：共{quantity}页"
