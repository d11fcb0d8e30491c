"""Write bench/news_eval_fr/articles/ and gold.jsonl: ``bench/news_eval/build_set.py --lang fr`` (one builder
for every language).

    python bench/news_eval_fr/build_set.py
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "news_eval"))

from build_set import main  # noqa: E402  (bench/news_eval/build_set.py)

if __name__ == "__main__":
    raise SystemExit(main(["--lang", "fr"]))
