"""Speed of grouping as a service: POST /api/v1/suggestions for one view (p95 over many calls) and for 1,000
views in one call (views per second), through Django's test client on a migrated PostgreSQL database, beside
the same work done by the engine called directly in the same process (the floor).

.venv/bin/python bench/api.py --calls 500 --batches 20
"""

import argparse
import json
import os
import statistics
import sys
import time

from pg import ROOT, fresh_database


def random_views(generator, count: int) -> list[dict]:
    """Current Views in the form's words, mostly None, some items left out (Not known), with an age."""
    from assessments.current_view_items import ITEMS, RESPONSES

    views = []
    for _ in range(count):
        items = {}
        for item in ITEMS:
            words = list(RESPONSES[item.response_scale])
            pick = generator.random()
            if pick < 0.6:
                items[item.id] = words[0]
            elif pick < 0.95:
                items[item.id] = words[int(generator.integers(0, len(words)))]
        views.append({"items": items, "age": int(generator.integers(4, 18))})
    return views


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=500, help="single-view calls")
    parser.add_argument("--batches", type=int, default=20, help="calls of 1,000 views")
    args = parser.parse_args()
    with fresh_database("camhs_bench_api") as url:
        os.environ.update(
            DATABASE_URL=url,
            DJANGO_SETTINGS_MODULE="camhs_pbr.settings",
            ALLOWED_HOSTS="testserver",
            API_RATE="100000000/min",
        )
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        import numpy as np
        from django.db import connections
        from django.test import Client

        from accounts.models import Provider
        from api import services
        from api.suggestions import read_one, read_views, suggestions
        from groupings.models import RulesVersion
        from groupings.rules import suggest_columns

        provider = Provider.objects.create(code="RBENCH", name="Bench trust")
        api_client = services.create_client(by=None, name="bench", provider=provider)
        _, key = services.issue_key(by=None, client=api_client, scopes=["grouping"])
        client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
        generator = np.random.default_rng(1)
        ruleset = RulesVersion.objects.get(is_current=True).ruleset()

        def post(body: str) -> float:
            started = time.perf_counter()
            response = client.post("/api/v1/suggestions", body, content_type="application/json")
            elapsed = time.perf_counter() - started
            assert response.status_code == 200, response.content[:300]
            return elapsed

        singles = [json.dumps(view) for view in random_views(generator, args.calls)]
        post(singles[0])  # the first call parses the rules version once per process
        api_one = [post(body) for body in singles]
        floor_one = []
        for body in singles:
            started = time.perf_counter()
            codes, ages = read_one(json.loads(body))
            suggestions(codes, ages, ruleset)
            floor_one.append(time.perf_counter() - started)
        print(f"one view per call, {args.calls:,} calls")
        print(f"  API:    p50 {statistics.median(api_one) * 1000:.1f} ms, p95 {p95(api_one) * 1000:.1f} ms")
        print(
            f"  engine: p50 {statistics.median(floor_one) * 1000:.2f} ms, p95 {p95(floor_one) * 1000:.2f} ms "
            "(reading the JSON, suggesting and explaining, no HTTP)"
        )

        batches = [json.dumps({"views": random_views(generator, 1000)}) for _ in range(args.batches)]
        api_batch = [post(body) for body in batches]
        floor_batch, bare = [], []
        for body in batches:
            started = time.perf_counter()
            codes, ages = read_views(json.loads(body)["views"])
            suggestions(codes, ages, ruleset)
            floor_batch.append(time.perf_counter() - started)
            started = time.perf_counter()
            suggest_columns(codes, ruleset, ages)
            bare.append(time.perf_counter() - started)
        print(f"1,000 views per call, {args.batches:,} calls")
        print(
            f"  API:    median {statistics.median(api_batch) * 1000:.0f} ms, {1000 / statistics.median(api_batch):,.0f} views/s"
        )
        print(
            f"  engine: median {statistics.median(floor_batch) * 1000:.0f} ms, "
            f"{1000 / statistics.median(floor_batch):,.0f} views/s (reading, suggesting and explaining); "
            f"suggest_columns alone {1000 / statistics.median(bare):,.0f} views/s"
        )
        connections.close_all()


if __name__ == "__main__":
    main()
