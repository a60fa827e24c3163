"""Charts sent as photos: a country's events per week, stacked by partner (/trend).

matplotlib draws with its Agg backend into memory, so the bot needs no display and writes
no files. Imported only when a chart is asked for: matplotlib costs ~0.5 s to load.
"""

from __future__ import annotations

import io

from summaries.digest import Trend, human_day, side_name


def trend_png(trend: Trend) -> bytes:
    """A stacked bar chart of `trend` as PNG bytes (about 40 KB)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    figure, axes = plt.subplots(figsize=(8, 4.5), dpi=100)
    try:
        positions = range(len(trend.weeks))
        bottom = [0] * len(trend.weeks)
        for partner, counts in trend.partners.items():
            label = "others" if partner == "other" else side_name(partner)
            axes.bar(positions, counts, bottom=bottom, label=label, width=0.8)
            bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
        axes.set_xticks(list(positions))
        axes.set_xticklabels([human_day(w)[:-5] for w in trend.weeks], rotation=45, ha="right")
        axes.set_ylabel("events")
        axes.set_title(f"{side_name(trend.country)}: diplomatic events per week, by partner")
        axes.yaxis.get_major_locator().set_params(integer=True)
        if trend.partners:
            axes.legend(loc="upper left", fontsize="small")
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()
    finally:
        plt.close(figure)


def trend_caption(trend: Trend) -> str:
    """ "Iran: 9 events in 12 weeks (from 2 Sep 2024); most with Türkiye (3)"."""
    name = side_name(trend.country)
    span = f"{len(trend.weeks)} weeks (from {human_day(trend.weeks[0])})"
    if not trend.total:
        return f"{name}: no events in the last {span}."
    busiest = max((p for p in trend.partners if p != "other"), key=lambda p: sum(trend.partners[p]))
    return (
        f"{name}: {trend.total} events in the last {span}; "
        f"most with {side_name(busiest)} ({sum(trend.partners[busiest])})."
    )
