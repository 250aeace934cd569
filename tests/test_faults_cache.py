"""The answer cache counts what it really holds (keys, headers, bodies and
the dictionary's own share), so many small answers cannot take many times
its cap. Measured independently: the memory freed when the cache is emptied
(tracemalloc) is no more than what it counted, which stays within its cap."""

from __future__ import annotations

import dataclasses
import gc
import tracemalloc

from fastapi.testclient import TestClient

from nhskg.api.answer_cache import AnswerCache
from nhskg.api.app import create_app
from nhskg.core.settings import Settings

CAP_MB = 1


def _cache(app) -> AnswerCache:
    layer = app.middleware_stack
    while not isinstance(layer, AnswerCache):
        layer = layer.app
    return layer


def test_the_cache_counts_what_it_holds_and_stays_within_its_cap(kg_store, tmp_path) -> None:
    settings = dataclasses.replace(Settings.from_env(data_dir=tmp_path / "unused"), answer_cache_mb=CAP_MB)
    app = create_app(settings, store=kg_store)
    with TestClient(app) as client:
        # Many distinct small answers: the case where counting bodies alone went ~60x over.
        urls = [f"/entities/org:nhs-england/accountability?as_of=20{y:02d}-{m:02d}-{d:02d}" for y in range(14, 26) for m in range(1, 13) for d in (1, 15)]
        assert client.get(urls[0]).status_code == 200
        cache = _cache(app)
        tracemalloc.start()
        try:
            for url in urls:
                assert client.get(url).status_code == 200
            gc.collect()
            held, _ = tracemalloc.get_traced_memory()
            counted, entries = cache.size, len(cache.entries)
            cache.entries.clear()
            gc.collect()
            after, _ = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    freed = held - after
    assert entries > 50, entries  # it did keep many answers
    assert counted <= CAP_MB * 2**20
    # What emptying the cache gave back is what it counted (within 10%), not several times more.
    assert freed <= counted * 1.1, (freed, counted, entries)
