"""Hybrid retrieval over the real index."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.retrieval import RetrievalFilters


def test_dense_and_bm25_both_find_the_raa_signing(assistant):
    retriever = assistant.retriever
    assert "event:2024-07-08-raa-signed" in [retriever.table.sources[i].doc_id for i, _ in retriever.dense("Reciprocal Access Agreement signing ceremony", RetrievalFilters(), 5)]
    assert "event:2024-07-08-raa-signed" in [retriever.table.sources[i].doc_id for i, _ in retriever.lexical_ranking("Kamikawa Teodoro signed RAA", RetrievalFilters(), 5)]
    top = retriever.search("When was the Reciprocal Access Agreement signed?")
    raa = next(s for s in top[:3] if s.ref == "2024-07-08-raa-signed")
    assert raa.similarity > 0.4 and raa.score > 0


def test_a_one_study_collection_is_searched_without_the_study_clause(assistant):
    # The clause costs a filtered vector search (docs/benchmarks.md); dropping it must not change results.
    retriever, question = assistant.retriever, "coast guard patrol vessels financed by a Japanese loan"
    assert retriever.study_filter is None and retriever.collection.count() == len(retriever.table.sources)
    filtered = retriever.collection.query(query_embeddings=[retriever.embedder.embed_query(question)], n_results=30,
                                          where={"study": assistant.settings.index.study}, include=["distances"])
    assert [retriever.table.sources[i].doc_id for i, _ in retriever.dense(question, RetrievalFilters(), 30)] == \
        filtered["ids"][0]


def test_items_keep_what_a_citation_needs(assistant):
    for source in assistant.retriever.search("air surveillance radars Mitsubishi Electric"):
        assert source.kind in ("chapter", "event") and source.title and source.text
        if source.kind == "event":
            assert source.date and source.urls and source.ref.startswith(source.date)
        else:
            assert source.chapter and source.ref == source.chapter


def test_filters_by_year_category_chapter_and_actor(assistant):
    search = assistant.retriever.search
    in_2016 = search("defense cooperation", RetrievalFilters(year_from=2016, year_to=2016), top_k=10)
    assert in_2016 and all(s.date.startswith("2016") for s in in_2016)
    exercises = search("joint training at sea", RetrievalFilters(categories=("exercise",)), top_k=10)
    assert exercises and all(s.category == "exercise" for s in exercises)
    chapter4 = search("patrol vessels", RetrievalFilters(chapters=("4",), kinds=("chapter",)), top_k=10)
    assert chapter4 and all(s.chapter.startswith("4.") for s in chapter4)
    china = search("statement", RetrievalFilters(actors=("China",)), top_k=10)
    assert china and all("China" in s.actors for s in china)


def test_llama_index_retriever_interface(assistant):
    nodes = assistant.retriever.retrieve("Vientiane Vision")
    assert nodes and nodes[0].node.metadata["kind"] in ("chapter", "event") and nodes[0].score > 0


@pytest.mark.parametrize("filters", [
    RetrievalFilters(kinds=("event",)),  # admits half the documents: a deeper unfiltered query, masked
    RetrievalFilters(year_from=2016, year_to=2016),  # admits a few: those are scored exactly
    RetrievalFilters(chapters=("4",)),
    RetrievalFilters(categories=("exercise",)),
    RetrievalFilters(actors=("China",)),
], ids=["events", "year", "chapter", "category", "actor"])
def test_filtered_search_equals_the_exact_filtered_result(assistant, filters):
    retriever = assistant.retriever
    vector = retriever.embedder.embed_query("coast guard patrol vessels and joint exercises at sea")
    mask = retriever.table.mask(filters)
    exact = [i for i, _ in retriever._exact(vector, np.flatnonzero(mask))]
    found = [i for i, _ in retriever.dense_vector(vector, filters, 10)]
    assert found == exact[:10] and all(mask[i] for i in found)


def test_filters_never_reach_chroma_as_a_where_clause(assistant, monkeypatch):
    retriever, clauses = assistant.retriever, []
    query = retriever.collection.query
    monkeypatch.setattr(retriever.collection, "query", lambda **kw: clauses.append(kw.get("where")) or query(**kw))
    events = RetrievalFilters(kinds=("event",))
    assert retriever.filtered_fetch(retriever.table.mask(events), 30)  # this one goes through Chroma, deeper
    retriever.search("exercise", events)
    category = RetrievalFilters(categories=("exercise",))
    chroma_clause = retriever.collection.get(where={"category": "exercise"}, include=[])["ids"]
    assert {retriever.table.sources[i].doc_id for i in np.flatnonzero(retriever.table.mask(category))} == \
        set(chroma_clause)
    assert clauses == [None]
