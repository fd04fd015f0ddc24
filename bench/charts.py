"""Server-drawn report charts: the time to build a spec (Altair), draw it as SVG and as PNG (vl-convert), the
first drawing in a fresh process, and a drawing read back from the cache.

.venv/bin/python -m bench.charts --charts 20
"""

import argparse
import datetime as dt
import os
import statistics
import time
from collections.abc import Callable
from functools import partial

import django


def median_ms(times: list[float]) -> str:
    return f"{1000 * statistics.median(times):7.1f} ms median, {1000 * max(times):7.1f} ms max"


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--charts", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "camhs_pbr.settings")
    os.environ.setdefault("DEBUG", "1")
    django.setup()
    from django.core.cache import cache

    from camhs_pbr.lib import vega
    from reports.charts import ChartSpec, trend_chart

    months = [dt.date(2025 + (10 + n) // 12, (10 + n) % 12 + 1, 1) for n in range(12)]

    def build(n: int) -> ChartSpec:
        points = [(month, 1000.0 * k + n) for k, month in enumerate(months)]
        return trend_chart(
            key="trend",
            title="Cost (£), month by month",
            when=f"Trust {n}",
            series={"Cost (£)": points},
            kind="money",
        )

    cache.clear()
    print(f"{'first spec in the process (imports Altair)':<44} {1000 * timed(lambda: build(0)):7.1f} ms")
    charts: list[ChartSpec] = []
    spec_times = []
    for n in range(1, args.charts + 1):
        started = time.perf_counter()
        charts.append(build(n))
        spec_times.append(time.perf_counter() - started)
    specs = [chart.spec for chart in charts if chart.spec is not None]
    first = build(-1).spec or {}
    print(
        f"{'first SVG in the process (starts vl-convert)':<44} {1000 * timed(lambda: vega.svg_of(first)):7.1f} ms"
    )
    print(f"{f'spec ({args.charts} charts)':<44} {median_ms(spec_times)}")
    drawings: dict[str, list[float]] = {
        "SVG": [],
        "PNG, twice the pixels": [],
        "inline SVG from the cache": [],
    }
    for spec in specs:
        drawings["SVG"].append(timed(partial(vega.svg_of, spec)))
        drawings["PNG, twice the pixels"].append(timed(partial(vega.png_of, spec)))
        drawings["inline SVG from the cache"].append(
            timed(partial(vega.inline_svg, spec, label="x", prefix="p"))
        )
    for what, times in drawings.items():
        print(f"{what:<44} {median_ms(times)}")
    print(f"(the cache: {cache.__class__.__name__})")


if __name__ == "__main__":
    main()
