"""Extraction: spaCy Doc -> entities and facts with evidence (see kg.extract.article)."""
