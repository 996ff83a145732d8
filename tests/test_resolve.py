"""Resolution on hand-made per-article results (no spaCy): one node per real-world entity."""
from __future__ import annotations

from kg.model import ArticleResult, Document, Entity, Evidence, Fact, Literal
from kg.resolve import resolve


def ev(doc_id="a", sentence="s", start=0):
    return Evidence(doc_id, sentence, start, start + len(sentence))


def ent(lid, type_, name, forms=None, key=None, votes=None):
    e = Entity(local_id=lid, type=type_, name=name, forms=set(forms or [name]), key=key)
    e.votes = dict(votes or {type_: 1})
    return e


def article(doc_id, entities, facts=()):
    return ArticleResult(Document(doc_id, f"{doc_id}.txt", "text"), list(entities), list(facts))


def labels(corpus, type_=None):
    return sorted(e.label for e in corpus.entities.values() if type_ is None or e.type == type_)


def test_surname_joins_the_full_name_across_articles():
    a = article("a", [ent("e0", "Person", "Ngozi Adeyemi")])
    b = article("b", [ent("e0", "Person", "Adeyemi", votes={"Person": 1})])
    corpus = resolve([a, b])
    assert labels(corpus) == ["Ngozi Adeyemi"]
    person = corpus.entities["person/ngozi-adeyemi"]
    assert person.alt_labels == {"Adeyemi"} and person.docs == {"a", "b"}


def test_family_name_first_joins_on_the_first_word():
    corpus = resolve([article("a", [ent("e0", "Person", "Li Qiang"), ent("e1", "Person", "Li")])])
    assert labels(corpus) == ["Li Qiang"]


def test_ambiguous_surname_stays_apart():
    silva = ent("e0", "Person", "Silva")
    silva.attrs["speaker"] = "1"            # "Silva said ..."
    corpus = resolve([
        article("a", [ent("e0", "Person", "Maria Silva")]),
        article("b", [ent("e0", "Person", "Joao Silva")]),
        article("c", [silva]),
    ])
    assert labels(corpus) == ["Joao Silva", "Maria Silva", "Silva"]


def test_one_word_name_with_nothing_behind_it_is_dropped():
    spoken = ent("e1", "Person", "Okafor")
    spoken.attrs["speaker"] = "1"
    corpus = resolve([article("a", [ent("e0", "Person", "Foodstuffs"), spoken])])
    assert labels(corpus) == ["Okafor"]


def test_particle_surname_joins_its_full_name():
    corpus = resolve([article("a", [ent("e0", "Person", "Pieter van Dijk"), ent("e1", "Person", "van Dijk"),
                                    ent("e2", "Person", "Anna de Vries"), ent("e3", "Person", "De Vries")])])
    assert labels(corpus) == ["Anna de Vries", "Pieter van Dijk"]


def test_bare_head_and_initials_join_the_body_named_in_full():
    corpus = resolve([article("a", [ent("e0", "Organization", "Andean Tin Commission"),
                                    ent("e1", "Organization", "Commission"),
                                    ent("e2", "Organization", "Nordic Paper Holdings"),
                                    ent("e3", "Person", "Nph")])])
    assert labels(corpus) == ["Andean Tin Commission", "Nordic Paper Holdings"]


def test_wrong_ner_label_is_overruled_by_the_corpus():
    a = article("a", [ent("e0", "Person", "Olena Kovalenko"), ent("e1", "Organization", "Kovalenko")])
    corpus = resolve([a])
    assert labels(corpus) == ["Olena Kovalenko"]
    assert corpus.entities["person/olena-kovalenko"].type == "Person"


def test_an_organization_with_a_head_word_is_not_a_person():
    a = article("a", [ent("e0", "Person", "Anna Ford"), ent("e1", "Organization", "Ford Motor Company")])
    assert labels(resolve([a])) == ["Anna Ford", "Ford Motor Company"]


def test_countries_join_by_code_and_keep_every_form():
    a = article("a", [ent("e0", "Country", "Germany", forms=["Berlin", "German"], key="DE")])
    b = article("b", [ent("e0", "Country", "Germany", forms=["Germany"], key="DE")])
    corpus = resolve([a, b])
    de = corpus.entities["country/germany"]
    assert de.label == "Germany" and de.alt_labels == {"Berlin", "German"}


def test_acronym_joins_the_spelled_out_name():
    a = article("a", [ent("e0", "Organization", "African Development Bank"), ent("e1", "Organization", "ADB")])
    corpus = resolve([a])
    assert labels(corpus) == ["African Development Bank"]


def test_official_type_and_person_standing_for_country_in_policies():
    e = [ent("e0", "Person", "Ngozi Adeyemi", votes={"Person": 1, "Official": 3}),
         ent("e1", "Country", "Nigeria", key="NG"), ent("e2", "Tariff", "levy on cement"),
         ent("e3", "Commodity", "cement", key="cement")]
    f = [Fact("e0", "title", Literal("Trade Minister"), ev()), Fact("e0", "officialOf", "e1", ev()),
         Fact("e2", "imposedBy", "e0", ev(start=10)), Fact("e2", "appliesTo", "e3", ev(start=10))]
    corpus = resolve([article("a", e, f)])
    person = corpus.entities["person/ngozi-adeyemi"]
    assert person.type == "Official"
    imposed = [x for x in corpus.facts if x.predicate == "imposedBy"]
    assert [x.obj for x in imposed] == ["country/nigeria"]


def test_unattributed_policy_joins_the_one_attributed_in_the_same_article():
    e = [ent("e0", "Country", "Chile", key="CL"), ent("e1", "Tariff", "tariffs on copper"),
         ent("e2", "Tariff", "the tariffs"), ent("e3", "Commodity", "copper", key="copper"),
         ent("e4", "Commodity", "lithium", key="lithium"), ent("e5", "Tariff", "the levy")]
    f = [Fact("e1", "imposedBy", "e0", ev()), Fact("e1", "appliesTo", "e3", ev()),
         Fact("e2", "appliesTo", "e3", ev(start=5)), Fact("e2", "date", Literal("2025-01", "gYearMonth"), ev(start=5)),
         Fact("e5", "appliesTo", "e4", ev(start=9))]
    corpus = resolve([article("a", e, f)])
    policies = [u for u, x in corpus.entities.items() if x.type == "Tariff"]
    assert len(policies) == 1
    facts = {(x.predicate, x.obj if isinstance(x.obj, str) else x.obj.value) for x in corpus.facts
             if x.subject == policies[0]}
    assert ("appliesTo", "commodity/copper") in facts
    assert not any(p == "date" for p, _ in facts)          # an unattributed mention's date is not trusted
    # A mention on unrelated goods is another measure (one policy per imposer, class and goods): with
    # nobody said to impose it, it is dropped rather than given to Chile's copper tariff.
    assert ("appliesTo", "commodity/lithium") not in facts


def test_policy_without_author_is_dropped():
    e = [ent("e0", "Tariff", "tariffs"), ent("e1", "Commodity", "wheat", key="wheat")]
    corpus = resolve([article("a", e, [Fact("e0", "appliesTo", "e1", ev())])])
    assert labels(corpus) == ["wheat"]


def test_same_event_in_two_articles_is_one_node():
    def one(doc_id):
        e = [ent("e0", "Person", "Ana Ruiz"), ent("e1", "Person", "Kenji Sato"), ent("e2", "Event", "phone call")]
        e[2].attrs["family"] = "call"
        return article(doc_id, e, [Fact("e2", "participant", "e0", ev(doc_id)),
                                   Fact("e2", "participant", "e1", ev(doc_id))])
    corpus = resolve([one("a"), one("b")])
    events = [x for x in corpus.entities.values() if x.type == "Event"]
    assert len(events) == 1 and events[0].docs == {"a", "b"}


def test_weak_office_default_gives_way_to_an_explicit_one():
    e = [ent("e0", "Person", "Ana Ruiz"), ent("e1", "Country", "Peru", key="PE"), ent("e2", "Country", "Chile", key="CL")]
    f = [Fact("e0", "officialOf", "e1", ev(), weak=True), Fact("e0", "officialOf", "e2", ev(start=9))]
    corpus = resolve([article("a", e, f)])
    assert [x.obj for x in corpus.facts if x.predicate == "officialOf"] == ["country/chile"]
