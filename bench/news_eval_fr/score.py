"""Score geo on the French news set: ``bench/news_eval/score.py --lang fr`` (one scorer for every language).

    PYTHONPATH=. python bench/news_eval_fr/score.py              # = bench/news_eval/score.py --lang fr
    PYTHONPATH=. python bench/news_eval_fr/score.py --read-as auto --failures
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "news_eval"))

from score import main  # noqa: E402  (bench/news_eval/score.py)

if __name__ == "__main__":
    raise SystemExit(main(["--lang", "fr", *sys.argv[1:]]))
