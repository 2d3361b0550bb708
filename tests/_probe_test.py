import time, json
from tests.conftest import *  # noqa
from evals.runner import evaluate_assistant, load_questions, stratified
from evals.metrics import summarize
from index.settings import PROJECT_ROOT

def test_probe(assistant):
    t = time.perf_counter()
    res = evaluate_assistant(assistant, stratified(load_questions(PROJECT_ROOT / "evals/questions.yaml"), 3), "extractive", progress=False)
    el = time.perf_counter() - t
    o = summarize(res)["overall"]
    print("\nELAPSED", round(el, 2), json.dumps({k: o[k] for k in ["key_fact_coverage","hit@1","hit@5","mrr","ndcg@10","citation_precision","verification_rate","refusal_accuracy","wrong_refusal_rate","latency_p50_ms","latency_p95_ms","n","n_answerable"]}))
    for r in res:
        s = r["scores"]
        print(r["id"], r["tags"][0], s["key_fact_coverage"], s["hit@5"], s["refused"], s.get("facts_missing"))
