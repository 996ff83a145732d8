"""``kg validate``: check a graph against the SHACL shapes in ``ontology/shapes.ttl``.

pySHACL runs the shapes with the ontology (``ontology/kg.ttl``) mixed in, so class
targets and ``sh:class`` follow ``rdfs:subClassOf`` (an Official is a Person, a Tariff a
Policy). No inference is run: it is not needed for these shapes and is slow on large
graphs. Each violation becomes one line in plain words::

    Scott Bessent: kg:officialOf must point to a Country or an Organization, found the string "United States"

``validate_graph(graph)`` is what ``kg build`` calls on the graph it built: pySHACL on
the whole graph (or, with ``focus``, only on those nodes: pySHACL's own focus nodes).
Describing a result never follows a cycle: a provenance statement about itself, or two
statements about each other, are named once and not walked into.
"""
from __future__ import annotations

import logging
import os
from functools import lru_cache
from pathlib import Path
from typing import Iterable, NamedTuple

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from kg.errors import UserError
from kg.prefixes import Compactor, STANDARD_PREFIXES
from kg.vocab import KG_NS, ONTOLOGY_FILE, SHAPES_FILE

log = logging.getLogger(__name__)

SH = Namespace("http://www.w3.org/ns/shacl#")
_PREFIXES = {**STANDARD_PREFIXES, "kg": KG_NS, "sh": str(SH)}
_COUNT_COMPONENTS = {SH.MinCountConstraintComponent, SH.MaxCountConstraintComponent}


@lru_cache(maxsize=4)
def _parse_cached(path: str, mtime: float) -> Graph:
    return Graph().parse(path, format="turtle")


def _load(path: Path) -> Graph:
    return _parse_cached(str(path), Path(path).stat().st_mtime)


def load_shapes(path: str | os.PathLike = SHAPES_FILE) -> Graph:
    """The shapes graph (parsed once per file version)."""
    return _load(Path(path))


def load_ontology() -> Graph:
    return _load(ONTOLOGY_FILE)


# --------------------------------------------------------------- validating

class Result(NamedTuple):
    """One validation result, as pySHACL reports it (rdflib terms)."""

    focus: object
    path: object
    value: object
    component: object
    message: str | None
    severity: object
    source: object = None  # the shape (node or property shape) that reported it


def validate_graph(graph, shapes: Graph | None = None, focus: Iterable | None = None) -> tuple[bool, list[str]]:
    """Validate ``graph`` (left unchanged); return whether it conforms and one line per violation.

    ``graph`` is an rdflib ``Graph`` or a :class:`kg.triples.TripleGraph`. With ``focus``
    (nodes), pySHACL checks only those nodes against the shapes that target them.
    """
    shapes = load_shapes() if shapes is None else shapes
    conforms, records = _validate_full(graph, shapes, focus)
    return conforms, describe_records(records, graph)


def validate_unless_known(graph, text: str, memo: Path | None) -> tuple[bool, list[str]]:
    """:func:`validate_graph`, unless ``memo`` (a JSON file) holds the answer for these exact triples.

    ``text`` is the graph's deterministic serialization (its N-Triples): the answer is a
    function of it, the shapes and this module, so a rebuild whose graph did not change
    (every article cached) reuses it; any change, anywhere, validates the whole graph.
    """
    import hashlib
    import json

    from kg.io import write_atomic

    h = hashlib.sha256(text.encode("utf-8", "surrogatepass"))
    for part in (Path(SHAPES_FILE).read_bytes(), Path(__file__).read_bytes()):
        h.update(b"\0" + part)
    key = h.hexdigest()
    if memo is not None:
        try:
            known = json.loads(memo.read_text(encoding="utf-8"))
            if known.get("key") == key:
                return bool(known["conforms"]), [str(m) for m in known["messages"]]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass                                    # missing or damaged: validate
    conforms, messages = validate_graph(graph)
    if memo is not None:
        try:
            memo.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(memo, json.dumps({"key": key, "conforms": conforms, "messages": messages}), sync=False)
        except OSError as exc:
            log.info("cannot keep the validation result in %s (%s)", memo, exc)
    return conforms, messages


def _has_ontology(graph, ontology: Graph) -> bool:
    return all(t in graph for t in ontology.triples((None, RDFS.subClassOf, None)))


def _validate_full(graph, shapes: Graph, focus: Iterable | None = None) -> tuple[bool, list[Result]]:
    ontology = load_ontology()
    if _has_ontology(graph, ontology):
        # The graphs kg writes hold the ontology already: nothing is mixed in or inferred,
        # so pySHACL only reads the data graph, in place (a TripleGraph through a view).
        data = graph if isinstance(graph, Graph) else graph.as_rdflib()
        return run_pyshacl(data, shapes, inplace=True, focus=focus)
    if isinstance(graph, Graph):          # pySHACL mixes the ontology into a copy of its own
        return run_pyshacl(graph, shapes, ont_graph=ontology, focus=focus)
    return run_pyshacl(graph.to_rdflib(), shapes, ont_graph=ontology, inplace=True, focus=focus)


def run_pyshacl(data: Graph, shapes: Graph, ont_graph: Graph | None = None,
                inplace: bool = False, focus: Iterable | None = None) -> tuple[bool, list[Result]]:
    """pySHACL with kg's options (no inference, no SHACL-AF); ``inplace`` only for a graph of our own
    or one that nothing is mixed into."""
    import pyshacl

    conforms, results, _ = pyshacl.validate(
        data,
        shacl_graph=shapes,
        ont_graph=ont_graph,
        inference="none",
        advanced=False,
        allow_warnings=False,
        inplace=inplace,
        focus_nodes=None if focus is None else list(focus),
    )
    return bool(conforms), result_records(results)


def result_records(results: Graph) -> list[Result]:
    """The sh:ValidationResult nodes of a pySHACL results graph as :class:`Result` records."""
    out = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        out.append(Result(
            focus=results.value(result, SH.focusNode),
            path=results.value(result, SH.resultPath),
            value=results.value(result, SH.value),
            component=results.value(result, SH.sourceConstraintComponent),
            message=messages[0] if messages else None,
            severity=results.value(result, SH.resultSeverity),
            source=results.value(result, SH.sourceShape),
        ))
    return out


def validate_file(path: str | os.PathLike, shapes_path: str | os.PathLike | None = None) -> tuple[bool, list[str], int]:
    """Parse and validate a graph file; returns (conforms, messages, number of triples).

    Raises ``UserError`` (exit status 2) for a missing or malformed file.
    """
    graph = _read_graph(Path(path), what="graph")
    shapes = load_shapes() if shapes_path is None else _read_graph(Path(shapes_path), what="shapes")
    conforms, messages = validate_graph(graph, shapes)
    return conforms, messages, len(graph)


def _read_graph(path: Path, what: str) -> Graph:
    from rdflib.util import guess_format

    if not path.exists():
        raise UserError(f"cannot read {path}: no such file")
    if path.is_dir():
        raise UserError(f"cannot read {path}: it is a folder, not a {what} file")
    fmt = guess_format(str(path)) or "turtle"
    # rdflib logs a traceback for each ill-typed literal (a date "2025-13-45"); the
    # shapes report those in plain words, so keep the log quiet while parsing.
    term_log = logging.getLogger("rdflib.term")
    level = term_log.level
    term_log.setLevel(logging.ERROR)
    try:
        return Graph().parse(path, format=fmt)
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read {path}: {_one_line(exc)}") from None
    except Exception as exc:  # rdflib raises parser-specific exceptions for bad syntax
        raise UserError(f"{path} is not valid {fmt}: {_one_line(exc)}") from None
    finally:
        term_log.setLevel(level)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


# ------------------------------------------------------------ plain words

class _Describer:
    def __init__(self, data: Graph):
        self.data = data
        prefixes = dict(_PREFIXES)
        prefixes.update({p: str(ns) for p, ns in data.namespaces() if p})
        self.compactor = Compactor(prefixes)

    def iri(self, node) -> str:
        return self.compactor.label(str(node))

    def types(self, node) -> list[str]:
        kinds = sorted(self.data.objects(node, RDF.type))
        return [self.compactor.label(str(t)).split(":", 1)[-1] for t in kinds]

    def node(self, node, seen: frozenset = frozenset()) -> str:
        """The focus node: its label, else its IRI; a provenance statement by its fact.

        ``seen`` holds the statements being described: a statement whose subject is
        itself (or a chain of them that comes back) is named, not walked into again.
        """
        if isinstance(node, URIRef):
            label = self.data.value(node, RDFS.label, any=True)
            return str(label) if label is not None else self.iri(node)
        if isinstance(node, BNode):
            if node in seen:
                return "a statement that refers back to it (a cycle)"
            if (node, RDF.type, RDF.Statement) in self.data or (node, RDF.subject, None) in self.data:
                subject = self.data.value(node, RDF.subject, any=True)
                predicate = self.data.value(node, RDF.predicate, any=True)
                about = " ".join(
                    part for part in (
                        "itself" if subject == node else
                        self.node(subject, seen | {node}) if subject is not None else "",
                        self.iri(predicate) if isinstance(predicate, URIRef) else "",
                    ) if part
                )
                return f"provenance statement ({about or 'about nothing'})"
            return "a blank node"
        return self.value(node)

    def value(self, value) -> str:
        if isinstance(value, Literal):
            if value.language:
                return f'the string "{value}"@{value.language}'
            if value.datatype in (None, XSD.string):
                return f'the string "{value}"'
            return f'the {self.iri(value.datatype)} value "{value}"'
        if isinstance(value, URIRef):
            kinds = self.types(value)
            label = self.data.value(value, RDFS.label, any=True)
            name = f"{label} ({self.iri(value)})" if label is not None else self.iri(value)
            if not kinds:
                return f"{name}, which has no type"
            article = "an" if kinds[0][:1].lower() in "aeiou" else "a"
            return f"{name}, {article} {' and '.join(kinds)}"
        if isinstance(value, BNode):
            return "a blank node"
        return str(value)


def describe_records(records, data) -> list[str]:
    """One plain line per :class:`Result`, sorted and without duplicates; ``data`` is the full graph."""
    describer = _Describer(data)
    lines = set()
    for record in records:
        focus, path, value, component = record.focus, record.path, record.value, record.component
        message = record.message
        message = str(message) if message is not None else _default_message(component, path, describer)
        if component in _COUNT_COMPONENTS and isinstance(path, URIRef):
            found = [describer.value(v) if not isinstance(v, URIRef) else describer.node(v)
                     for v in sorted(data.objects(focus, path))]
            detail = f"found {len(found)}: {', '.join(found)}" if found else "found none"
        elif value is not None and value == focus and path is None:
            kinds = describer.types(focus)
            detail = f"it is {'a ' + ' and '.join(kinds) if kinds else 'untyped'}"
        elif value is not None:
            detail = f"found {describer.value(value)}"
        else:
            detail = ""
        line = f"{describer.node(focus)}: {message}"
        lines.add(f"{line}, {detail}" if detail else line)
    return sorted(lines)


def _default_message(component, path, describer: _Describer) -> str:
    name = describer.iri(component).split(":", 1)[-1] if component is not None else "a constraint"
    where = f" on {describer.iri(path)}" if isinstance(path, URIRef) else ""
    return f"violates {name}{where}"


# --------------------------------------------------------------- the command

def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "validate",
        help="check a graph file against the SHACL shapes in ontology/shapes.ttl",
        description=(
            "Validate GRAPH.ttl with pySHACL against ontology/shapes.ttl (with the ontology). "
            "Prints each violation in plain words; exit status 0 when the graph conforms, "
            "1 when it does not, 2 when the file cannot be read."
        ),
    )
    p.add_argument("graph", metavar="GRAPH.ttl", help="the graph file (Turtle; .nt and .jsonld work too)")
    p.add_argument("--shapes", metavar="SHAPES.ttl", help="other SHACL shapes to use (default: ontology/shapes.ttl)")
    p.set_defaults(func=command)


def command(args) -> int:
    import sys

    conforms, messages, size = validate_file(args.graph, args.shapes)
    if conforms:
        print(f"{args.graph}: conforms to the kg shapes ({size} triples)")
        return 0
    for line in messages:
        print(line)
    count = len(messages)
    print(f"{args.graph}: does not conform: {count} violation{'s' if count != 1 else ''}")
    sys.stdout.flush()
    return 1
