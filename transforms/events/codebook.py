"""The CAMEO event codebook (``transforms/lexicons/cameo/codebook.csv``): what each code means and how
much it weighs.

Pure data access, no Beam: the events coder looks up quad class, Goldstein score and PLOVER type of the
code it assigns, and validates the codes its verb lexicon names.
"""

from __future__ import annotations

import csv
import dataclasses
import importlib.resources
import io

_COLUMNS = ("code", "name", "root", "level", "quad_class", "goldstein", "plover_type")


@dataclasses.dataclass(frozen=True)
class CameoCode:
    code: str
    name: str
    root: str
    level: int
    quad_class: int
    goldstein: float
    plover_type: str | None


class Codebook:
    """Every CAMEO code by its string (leading zeros kept)."""

    def __init__(self, codes: dict[str, CameoCode]):
        self._codes = codes

    @classmethod
    def load(cls, text: str | None = None) -> Codebook:
        """Reads the packaged codebook (or ``text``, CSV in the same format). Raises ValueError naming
        the bad row when the file is malformed."""
        if text is None:
            text = (
                importlib.resources.files("transforms") / "lexicons" / "cameo" / "codebook.csv"
            ).read_text(encoding="utf-8")
        reader = csv.DictReader(io.StringIO(text))
        if tuple(reader.fieldnames or ()) != _COLUMNS:
            raise ValueError(f"codebook header is {reader.fieldnames}, expected {list(_COLUMNS)}")
        codes: dict[str, CameoCode] = {}
        for line, row in enumerate(reader, start=2):
            code = row["code"]
            if not code.isdigit() or len(code) not in (2, 3, 4) or row["root"] != code[:2]:
                raise ValueError(f"codebook line {line}: bad code {code!r} or root {row['root']!r}")
            if code in codes:
                raise ValueError(f"codebook line {line}: code {code} listed twice")
            try:
                entry = CameoCode(
                    code=code,
                    name=row["name"],
                    root=row["root"],
                    level=int(row["level"]),
                    quad_class=int(row["quad_class"]),
                    goldstein=float(row["goldstein"]),
                    plover_type=row["plover_type"] or None,
                )
            except ValueError as error:
                raise ValueError(f"codebook line {line} (code {code}): {error}") from None
            if not -10.0 <= entry.goldstein <= 10.0 or entry.quad_class not in (1, 2, 3, 4):
                raise ValueError(f"codebook line {line} (code {code}): goldstein or quad_class out of range")
            codes[code] = entry
        for code in codes:
            if len(code) > 2 and code[: len(code) - 1 if len(code) == 4 else 2] not in codes:
                raise ValueError(f"codebook: code {code} has no parent code in the file")
        return cls(codes)

    def __contains__(self, code: object) -> bool:
        return code in self._codes

    def __getitem__(self, code: str) -> CameoCode:
        try:
            return self._codes[code]
        except KeyError:
            raise KeyError(f"{code!r} is not a CAMEO code in the codebook") from None

    def __len__(self) -> int:
        return len(self._codes)

    def codes(self) -> list[str]:
        return sorted(self._codes)

    def roots(self) -> list[str]:
        return sorted(code for code in self._codes if len(code) == 2)

    def event_codes(self) -> list[str]:
        """The codes an event can carry: every 3- and 4-digit code (roots are headings)."""
        return sorted(code for code in self._codes if len(code) > 2)
