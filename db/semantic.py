"""Search by meaning: the search documents' vectors in memory, and the nearest ones to a question.

Vectors are computed once the shipped data is loaded (the bot does it in the background after it starts) and
stored (`search_vectors`, keyed by model and text), so a restart reads them instead of recomputing. A document
added since (a practice approved, a panel answer written) is embedded on the first lookup after the change, in
memory, when there are at most `EMBEDDED_ON_LOOKUP` of them; the bot stores them at its next start. Past
`MAX_DOCUMENTS` documents the index is not built and lookups rank by words alone: a coalition's knowledge base
holds hundreds of entries, and the model would need minutes per ten thousand.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from db.embeddings import Embedder, Vector, content_key, from_bytes, load_embedder, passage_text, to_bytes
from db.engine import VECTORS_LOCK, lock_out_other_instances
from db.models import SearchDocument, SearchVector
from db.session_state import lookup_caches

log = logging.getLogger(__name__)

SEMANTIC_KEY = "coalition.semantic_search"
MAX_DOCUMENTS = 20_000
EMBEDDED_ON_LOOKUP = 32
SNIPPET_CHARS = 240


def embedder_of(session: Session | AsyncSession) -> Embedder | None:
    """The model, unless the `Database` that opened this session was told to search by words only."""
    return load_embedder() if session.info.get(SEMANTIC_KEY, True) else None


@dataclass(frozen=True)
class Neighbour:
    kind: str
    ref_id: int
    title: str
    snippet: str
    similarity: float
    # How far it stands out from the whole knowledge base for this question, in standard deviations: an
    # unrelated question finds everything about equally far, a related one finds a few entries much closer.
    standing: float


@dataclass(frozen=True)
class SemanticIndex:
    """Every document with a vector: its identity, what a hit shows, its filter columns, and the matrix."""

    kinds: list[str]
    ref_ids: list[int]
    titles: list[str]
    snippets: list[str]
    countries: list[str]
    topics: list[str]
    matrix: npt.NDArray[np.float32]

    def nearest(
        self,
        vector: Vector,
        *,
        kinds: tuple[str, ...] | None,
        country: str | None,
        topic: str | None,
        limit: int,
    ) -> list[Neighbour]:
        """The `limit` documents closest to `vector` (cosine), within the kinds, country and topic asked for."""
        if not self.kinds:
            return []
        similarities = self.matrix @ vector
        mean, spread = float(similarities.mean()), float(similarities.std()) or 1.0
        wanted_country = (country or "").lower()
        wanted_topic = f"|{topic}|".lower() if topic else ""
        found: list[Neighbour] = []
        for row in np.argsort(-similarities):
            index = int(row)
            if kinds and self.kinds[index] not in kinds:
                continue
            if wanted_country and self.countries[index] != wanted_country:
                continue
            if wanted_topic and wanted_topic not in self.topics[index]:
                continue
            found.append(
                Neighbour(
                    self.kinds[index],
                    self.ref_ids[index],
                    self.titles[index],
                    self.snippets[index],
                    float(similarities[index]),
                    (float(similarities[index]) - mean) / spread,
                )
            )
            if len(found) >= limit:
                break
        return found


_DOCUMENTS = select(
    SearchDocument.kind,
    SearchDocument.ref_id,
    SearchDocument.title,
    SearchDocument.body,
    SearchDocument.country,
    SearchDocument.topics,
)
_DOCUMENT_COUNT = select(func.count()).select_from(SearchDocument)
_VECTORS = select(SearchVector.content_key, SearchVector.vector)
_TEXTS = select(SearchDocument.title, SearchDocument.body)


def build_index(session: Session, embedder: Embedder) -> SemanticIndex | None:
    """The index of the documents as they are now; None when there are too many to search by meaning."""
    connection = session.connection()
    if (connection.execute(_DOCUMENT_COUNT).scalar() or 0) > MAX_DOCUMENTS:
        return None
    documents = connection.execute(_DOCUMENTS).all()
    keys = [content_key(document.title, document.body) for document in documents]
    stored = {key: from_bytes(vector) for key, vector in connection.execute(_VECTORS)}
    missing = [i for i, key in enumerate(keys) if key not in stored]
    if len(missing) > EMBEDDED_ON_LOOKUP:
        # More than a lookup should wait for: these are searched by words until the next load stores them.
        log.info("%d search documents have no vector yet: searched by words until they are stored", len(missing))
        missing = []
    stored.update(
        embedder.remembered_passages({keys[i]: passage_text(documents[i].title, documents[i].body) for i in missing})
    )
    rows = [i for i, key in enumerate(keys) if key in stored]
    matrix = (
        np.vstack([stored[keys[i]] for i in rows]) if rows else np.zeros((0, embedder.dimensions), dtype=np.float32)
    )
    return SemanticIndex(
        kinds=[documents[i].kind for i in rows],
        ref_ids=[documents[i].ref_id for i in rows],
        titles=[documents[i].title for i in rows],
        snippets=[documents[i].body[:SNIPPET_CHARS] for i in rows],
        countries=[(documents[i].country or "").lower() for i in rows],
        topics=[(documents[i].topics or "").lower() for i in rows],
        matrix=matrix,
    )


def semantic_index(session: Session, embedder: Embedder, stamp: str) -> SemanticIndex | None:
    """The index of the current knowledge revision, built once per process and revision."""
    return lookup_caches(session).get("semantic", stamp, lambda: build_index(session, embedder))


def texts_without_vectors(session: Session) -> dict[str, str]:
    """The passage text of every document that has no stored vector, by content key (none when the search
    by meaning is off or the documents are too many for it)."""
    connection = session.connection()
    if embedder_of(session) is None or (connection.execute(_DOCUMENT_COUNT).scalar() or 0) > MAX_DOCUMENTS:
        return {}
    texts = {content_key(title, body): passage_text(title, body) for title, body in connection.execute(_TEXTS)}
    present = set(connection.execute(select(SearchVector.content_key)).scalars())
    return {key: text for key, text in texts.items() if key not in present}


def compute_vectors(embedder: Embedder, texts: dict[str, str]) -> dict[str, bytes]:
    """The vectors of `texts`, by key: slow (~0.1 s a document), so never inside a transaction."""
    if not texts:
        return {}
    vectors = embedder.passages(list(texts.values()))
    return {key: to_bytes(vector) for key, vector in zip(texts, vectors, strict=True)}


async def save_vectors(session: AsyncSession, vectors: dict[str, bytes]) -> int:
    """Store the vectors no other instance stored meanwhile, and drop those of texts no document has any more;
    returns how many were stored."""
    await lock_out_other_instances(session, VECTORS_LOCK)
    current = {content_key(title, body) for title, body in (await session.execute(_TEXTS)).all()}
    present = set((await session.scalars(select(SearchVector.content_key))).all())
    stale = present - current
    if stale:
        await session.execute(delete(SearchVector).where(SearchVector.content_key.in_(stale)))
    fresh = [key for key in vectors if key in current and key not in present]
    session.add_all(SearchVector(content_key=key, vector=vectors[key]) for key in fresh)
    await session.flush()
    return len(fresh)
