"""The coder version: which coder and lexicons coded an event (``events.coder_version``, and
``runs.coder_version`` for the run).

``<communique version>+lex.<hash>``: the installed package's version and the first 12 hex characters of a
SHA-256 over every lexicon file under ``transforms/lexicons`` (its path relative to that directory and its
bytes, in path order). The README files are left out: they document the lexicons and code nothing. The
same package and lexicons give the same version on every machine; editing any lexicon file changes it,
so rows coded before and after a lexicon change (``communique recode``) can be told apart.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
from importlib import resources
from pathlib import Path

LEXICON_HASH_CHARS = 12
_DOCUMENTATION_NAMES = frozenset({"README.md"})


def lexicon_hash(lexicon_dir: Path) -> str:
    """The hash of the lexicon files under ``lexicon_dir`` (see the module docstring)."""
    digest = hashlib.sha256()
    files = sorted(path for path in lexicon_dir.rglob("*") if path.is_file()
                   and path.name not in _DOCUMENTATION_NAMES and "__pycache__" not in path.parts)
    for path in files:
        relative = path.relative_to(lexicon_dir).as_posix().encode("utf-8")
        content = path.read_bytes()
        # Lengths first: no two different sets of files can hash the same bytes.
        digest.update(len(relative).to_bytes(8, "big") + relative + len(content).to_bytes(8, "big"))
        digest.update(content)
    return digest.hexdigest()[:LEXICON_HASH_CHARS]


def version_string(package_version: str, lexicons: str) -> str:
    return f"{package_version}+lex.{lexicons}"


@functools.cache
def coder_version() -> str:
    """This installation's coder version (computed once per process)."""
    lexicon_dir = Path(str(resources.files("transforms") / "lexicons"))
    return version_string(importlib.metadata.version("communique"), lexicon_hash(lexicon_dir))
