"""camhs_pbr.figures_cache.latest: a question is counted once, then read from the cache; after a change the
kept figures are read, marked stale, while one recount is queued; readers of a question being counted for the
first time wait for that count instead of counting it again."""

import threading
import time
from typing import Any

import pytest
from django.core.cache import cache

from camhs_pbr import figures_cache
from camhs_pbr.figures_cache import latest, store


@pytest.fixture(autouse=True)
def empty_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()


def read(stamp, compute=lambda: "counted", recount=lambda: None):
    return latest("tests.figures", ("scope", "question"), stamp, compute=compute, recount=recount, seconds=60)


def test_the_first_reader_counts_and_the_next_reads_the_kept_figures():
    first = read((1,))
    second = read((1,), compute=lambda: pytest.fail("counted again"))
    assert (first.value, first.from_cache, first.stale) == ("counted", False, False)
    assert (second.value, second.from_cache, second.stale) == ("counted", True, False)


def test_after_a_change_readers_get_the_kept_figures_marked_stale_and_one_recount_is_queued():
    read((1,))
    queued = []
    for _ in range(3):
        found = read(
            (2,), compute=lambda: pytest.fail("counted in the request"), recount=lambda: queued.append(1)
        )
        assert (found.value, found.stale) == ("counted", True)
    assert queued == [1]


def test_a_recount_that_stores_its_figures_ends_the_staleness():
    read((1,))
    recounted = read((2,), recount=lambda: None)
    assert recounted.stale
    store("tests.figures", ("scope", "question"), (2,), "recounted", 60)
    found = read((2,))
    assert (found.value, found.stale) == ("recounted", False)


def test_a_recount_run_in_process_is_read_back_at_once():
    read((1,))

    def in_process():
        store("tests.figures", ("scope", "question"), (2,), "recounted", 60)

    found = read((2,), recount=in_process)
    assert (found.value, found.stale) == ("recounted", False)


def test_a_queue_that_cannot_be_reached_leaves_the_kept_figures_and_the_next_reader_tries_again():
    read((1,))
    tries = []

    def unreachable():
        tries.append(1)
        raise RuntimeError("no broker")

    assert read((2,), recount=unreachable).stale
    assert read((2,), recount=unreachable).stale
    assert tries == [1, 1]


def test_readers_of_a_question_being_counted_for_the_first_time_wait_for_that_count():
    started, release = threading.Event(), threading.Event()
    counts = []

    def slow_count():
        counts.append("first")
        started.set()
        release.wait(10)
        return "counted once"

    results: dict[str, Any] = {}
    first = threading.Thread(target=lambda: results.update(first=read((1,), compute=slow_count)))
    first.start()
    started.wait(10)

    def second_count() -> str:
        counts.append("second")
        return "again"

    second = threading.Thread(target=lambda: results.update(second=read((1,), compute=second_count)))
    second.start()
    release.set()
    first.join(10)
    second.join(10)
    assert counts == ["first"]
    assert results["second"].value == "counted once"


def test_when_the_first_count_fails_the_next_reader_counts_without_waiting(monkeypatch):
    monkeypatch.setattr(figures_cache, "FIRST_COUNT_WAIT_SECONDS", 30)

    def failing():
        raise ValueError("the database went away")

    with pytest.raises(ValueError):
        read((1,), compute=failing)
    started = time.monotonic()
    assert read((1,)).value == "counted"
    assert time.monotonic() - started < 5  # not the 30 s a reader waits for a count under way


def test_parts_kept_are_read_and_only_the_missing_ones_are_counted_together():
    asked = []

    def count(missing):
        asked.append(list(missing))
        return {part: f"{part} counted" for part in missing}

    keys = {"team A": ("A", 1), "team B": ("B", 1)}
    assert figures_cache.cached_parts("tests.parts", keys, count, 60) == {
        "team A": "team A counted",
        "team B": "team B counted",
    }
    wider = {**keys, "team C": ("C", 1)}
    assert figures_cache.cached_parts("tests.parts", wider, count, 60)["team C"] == "team C counted"
    assert figures_cache.cached_parts("tests.parts", {"team A": ("A", 2)}, count, 60) == {
        "team A": "team A counted"
    }
    assert asked == [["team A", "team B"], ["team C"], ["team A"]]  # a new stamp in the key counts again


def test_parts_are_counted_when_the_cache_cannot_be_reached(monkeypatch):
    class Unreachable:
        def get_many(self, names):
            raise ConnectionError("cache server down")

        set_many = get_many

    monkeypatch.setattr(figures_cache, "cache", Unreachable())
    found = figures_cache.cached_parts("tests.parts", {"team A": ("A",)}, lambda missing: {"team A": 1}, 60)
    assert found == {"team A": 1}
