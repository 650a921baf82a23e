"""The lemma-frame lexicon of the events coder (``FrameLexicon.load()``).

Reads ``transforms/lexicons/frames/*.txt`` (one file per CAMEO root; format in its README.md): which verb
lemmas (alone, with a particle, with a required direct object, with a required infinitival complement)
and which noun lemmas signal which CAMEO code, and in which slot of the dependency parse each frame finds
its source and its target. Pure data, no Beam, no spaCy: the coder that walks the parse reads these
frames.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.resources
import re
from collections.abc import Mapping

from transforms.events.codebook import Codebook

DEFAULT_VERB_TARGETS = ("obj", "dative", "to", "with", "against", "on", "toward", "into")
DEFAULT_NOUN_TARGETS = ("on", "against", "with", "to", "toward", "between", "of")
ARGUMENT_SLOTS = frozenset({"obj", "dative", "subj"})
# Prepositions (and particles) a frame may name: as a target or source slot, or as the particle of a
# phrasal verb. A closed list, so a typo ("agianst") is an error and not a slot that never fills.
PREPOSITIONS = frozenset(
    {
        "about",
        "above",
        "across",
        "after",
        "against",
        "ahead",
        "along",
        "alongside",
        "among",
        "amid",
        "apart",
        "around",
        "as",
        "aside",
        "at",
        "away",
        "back",
        "before",
        "behind",
        "below",
        "beside",
        "between",
        "beyond",
        "by",
        "down",
        "during",
        "for",
        "forward",
        "from",
        "in",
        "inside",
        "into",
        "near",
        "of",
        "off",
        "on",
        "onto",
        "out",
        "outside",
        "over",
        "past",
        "through",
        "throughout",
        "to",
        "together",
        "toward",
        "towards",
        "under",
        "until",
        "up",
        "upon",
        "with",
        "within",
        "without",
    }
)
# Adverbs that make a phrasal verb with no preposition: "bring home", "cut short", "set free".
PARTICLES = PREPOSITIONS | frozenset(
    {"home", "short", "firm", "fast", "free", "loose", "amok", "abroad", "open"}
)
_KEYS = ("T", "S", "obj", "comp", "conf", "xcomp")
_FLAGS = ("need=T", "need=S", "mutual")
_WORD = re.compile(r"[a-z][a-z0-9']*")  # no hyphen: spaCy splits "de-escalation" in three
_CODE_FILE = re.compile(r"(\d\d)_[a-z0-9_]+\.txt")


class FrameError(ValueError):
    """A malformed frame line; the message names ``file:line``."""


@dataclasses.dataclass(frozen=True)
class Frame:
    code: str  # "036"
    lemma: str  # head lemma, lower case: "meet", "call", "lodge", "sanction"; a compound noun "air_strike"
    pos: str  # "VERB" or "NOUN"
    particle: str | None  # "on" for call_on, None otherwise
    objects: frozenset[str]  # required direct-object lemmas (empty: any object)
    target_slots: tuple[str, ...]  # e.g. ("obj", "with", "to")
    source_slot: str  # "subj" or a preposition lemma
    need_target: bool
    need_source: bool
    mutual: bool
    object_kind: str | None  # "actor" or None
    complement: str | None  # "that" or None
    confidence: float
    where: str  # "02_appeals.txt:14"
    xcomp: frozenset[str] = frozenset()  # required xcomp lemmas ("declined to comment"); empty: none
    trigger: str = dataclasses.field(default="", compare=False)  # the trigger as written in the file

    @property
    def rule_id(self) -> str:
        """``call_on 020``, ``lodge+protest 114``, ``n:sanction 163``, ``decline>comment 011``: the head
        (with its particle), the first required object or complement as written, and the code."""
        if self.pos == "NOUN":
            head = f"n:{self.lemma}"
        else:
            head = self.lemma + (f"_{self.particle}" if self.particle else "")
        if self.objects:
            written = self.trigger.partition("+")[2].split("/")[0] if "+" in self.trigger else ""
            head += "+" + (written or min(self.objects))
        if self.xcomp:
            head += ">" + min(self.xcomp)
        return f"{head} {self.code}"

    def key(self) -> tuple:
        """Everything but the place it was written: two frames with the same key are duplicates."""
        return tuple(
            getattr(self, field.name)
            for field in dataclasses.fields(self)
            if field.name not in ("where", "trigger")
        )


def _frames_texts() -> dict[str, str]:
    folder = importlib.resources.files("transforms") / "lexicons" / "frames"
    return {
        entry.name: entry.read_text(encoding="utf-8")
        for entry in folder.iterdir()
        if entry.name.endswith(".txt")
    }


@functools.lru_cache(maxsize=1)
def _inflector():
    from transforms.events.inflect import load_inflector

    return load_inflector()


def _words(value: str, where: str, what: str, separator: str) -> tuple[str, ...]:
    words = tuple(value.split(separator))
    for word in words:
        parts = word.split("_")
        if not word or not all(_WORD.fullmatch(part) for part in parts):
            raise FrameError(
                f"{where}: bad {what} {word!r} (lower-case lemmas; '_' joins the words of a compound noun)"
            )
    for word in words:
        if "_" in word and any(part in PREPOSITIONS for part in word.split("_")):
            raise FrameError(
                f"{where}: {what} {word!r}: a compound joins modifiers and a head noun, no "
                "preposition ('war_crime', not 'crime_against_humanity')"
            )
    if len(set(words)) != len(words):
        raise FrameError(f"{where}: {what} {value!r} lists a word twice")
    return words


def _slot(value: str, where: str, key: str) -> str:
    if value in ARGUMENT_SLOTS or value in PREPOSITIONS:
        return value
    raise FrameError(
        f"{where}: {key}={value!r}: a slot is obj, dative, subj or a preposition "
        f"({', '.join(sorted(PREPOSITIONS))})"
    )


def parse_line(line: str, where: str, codebook: Codebook, root: str | None = None) -> Frame:
    """One frame from one line (comment already stripped, not blank). ``root``: the two-digit root the
    file is for; a code of another root is an error."""
    fields = line.split()
    if len(fields) < 2:
        raise FrameError(f"{where}: need 'CODE TRIGGER [KEY=VALUE ...] [FLAG ...]', got {line!r}")
    code, trigger, rest = fields[0], fields[1], fields[2:]
    if code not in codebook:
        raise FrameError(f"{where}: {code!r} is not a code of the CAMEO codebook")
    if len(code) < 3:
        raise FrameError(f"{where}: {code} is a root (a heading); an event carries a 3- or 4-digit code")
    if root is not None and code[:2] != root:
        raise FrameError(f"{where}: code {code} belongs to root {code[:2]}, not to this file's root {root}")

    particle: str | None = None
    objects: tuple[str, ...] = ()
    written = trigger
    if trigger.startswith("n:"):
        pos = "NOUN"
        if "+" in trigger:
            raise FrameError(f"{where}: a noun trigger takes no required object ({trigger!r})")
        (lemma,) = _words(trigger[2:], where, "noun lemma", "\x00")
    else:
        pos = "VERB"
        head, plus, object_text = trigger.partition("+")
        if plus:
            objects = _words(object_text, where, "object lemma", "/")
        parts = head.split("_")
        if len(parts) > 2 or not all(_WORD.fullmatch(part) for part in parts):
            raise FrameError(
                f"{where}: bad verb trigger {trigger!r} (lemma, lemma_particle, lemma+obj/obj, "
                "lemma_particle+obj or n:noun)"
            )
        lemma = parts[0]
        if len(parts) == 2:
            particle = parts[1]
            if particle not in PARTICLES:
                raise FrameError(
                    f"{where}: {particle!r} in {trigger!r} is not a particle or preposition "
                    f"({', '.join(sorted(PARTICLES - PREPOSITIONS))} or a preposition)"
                )

    options: dict[str, str] = {}
    flags: set[str] = set()
    for field in rest:
        if field in _FLAGS:
            if field in flags:
                raise FrameError(f"{where}: flag {field} given twice")
            flags.add(field)
            continue
        key, equals, value = field.partition("=")
        if not equals or key not in _KEYS or not value:
            known = ", ".join(name + "=" for name in _KEYS) + "; flags: " + ", ".join(_FLAGS)
            raise FrameError(f"{where}: unknown key or flag {field!r} (keys: {known})")
        if key in options:
            raise FrameError(f"{where}: key {key}= given twice")
        options[key] = value

    source_slot = _slot(options.get("S", "subj"), where, "S")
    if source_slot in ("obj", "dative"):
        raise FrameError(f"{where}: the source is the subject or a preposition's object, not {source_slot}")
    if "T" in options:
        slots = tuple(options["T"].split(","))
        if len(set(slots)) != len(slots):
            raise FrameError(f"{where}: T={options['T']} names a slot twice")
        target_slots = tuple(_slot(slot, where, "T") for slot in slots)
    elif source_slot != "subj":
        target_slots = ("subj",)
    else:
        target_slots = DEFAULT_VERB_TARGETS if pos == "VERB" else DEFAULT_NOUN_TARGETS
    if source_slot in target_slots:
        raise FrameError(f"{where}: {source_slot} is both the source and a target slot")

    object_kind = options.get("obj")
    if object_kind is not None and object_kind != "actor":
        raise FrameError(f"{where}: obj= takes only 'actor', not {object_kind!r}")
    complement = options.get("comp")
    if complement is not None and complement != "that":
        raise FrameError(f"{where}: comp= takes only 'that', not {complement!r}")
    xcomp = frozenset(_words(options["xcomp"], where, "xcomp lemma", ",") if "xcomp" in options else ())
    if pos == "NOUN" and (object_kind or complement or xcomp):
        raise FrameError(f"{where}: obj=, comp= and xcomp= are for verb triggers, not {trigger!r}")
    if object_kind and objects:
        raise FrameError(f"{where}: {trigger!r} lists its objects; obj=actor would contradict them")
    try:
        confidence = float(options.get("conf", "0.8"))
    except ValueError:
        raise FrameError(f"{where}: conf={options['conf']!r} is not a number") from None
    if not 0.0 < confidence <= 1.0:
        raise FrameError(f"{where}: conf must be in (0, 1], got {confidence}")

    return Frame(
        code=code,
        lemma=lemma,
        pos=pos,
        particle=particle,
        objects=frozenset(objects),
        target_slots=target_slots,
        source_slot=source_slot,
        need_target="need=T" in flags,
        need_source="need=S" in flags,
        mutual="mutual" in flags,
        object_kind=object_kind,
        complement=complement,
        confidence=confidence,
        where=where,
        xcomp=xcomp,
        trigger=written,
    )


class FrameLexicon:
    """Every frame of the lexicon, indexed by head lemma (verbs and nouns apart), in file order."""

    def __init__(self, frames: list[Frame]):
        self._frames = tuple(frames)
        self._verbs: dict[str, tuple[Frame, ...]] = {}
        self._nouns: dict[str, tuple[Frame, ...]] = {}
        for frame in self._frames:
            index = self._verbs if frame.pos == "VERB" else self._nouns
            index[frame.lemma] = (*index.get(frame.lemma, ()), frame)

    @classmethod
    def load(cls, codebook: Codebook | None = None) -> FrameLexicon:
        """The packaged lexicon (``transforms/lexicons/frames/*.txt``), checked against the codebook."""
        return cls.from_texts(_frames_texts(), codebook or Codebook.load())

    @classmethod
    def from_texts(cls, texts: Mapping[str, str], codebook: Codebook) -> FrameLexicon:
        """Frames from ``{file name: text}``, read in file-name order. A file named ``NN_name.txt`` may
        hold codes of root NN only. Raises FrameError naming ``file:line``."""
        frames: list[Frame] = []
        seen: dict[tuple, str] = {}
        for name in sorted(texts):
            named = _CODE_FILE.fullmatch(name)
            root = named.group(1) if named else None
            for number, raw in enumerate(texts[name].splitlines(), start=1):
                line = raw.split("#", 1)[0].strip()
                if not line:
                    continue
                where = f"{name}:{number}"
                frame = parse_line(line, where, codebook, root)
                if frame.key() in seen:
                    raise FrameError(f"{where}: the same frame as {seen[frame.key()]} ({line!r})")
                seen[frame.key()] = where
                frames.append(frame)
        return cls(frames)

    def __len__(self) -> int:
        return len(self._frames)

    def __iter__(self):
        return iter(self._frames)

    def frames(self) -> tuple[Frame, ...]:
        return self._frames

    def verb_frames(self, lemma: str) -> tuple[Frame, ...]:
        """Every VERB frame with that head lemma, in file order."""
        return self._verbs.get(lemma, ())

    def noun_frames(self, lemma: str) -> tuple[Frame, ...]:
        """Every NOUN frame with that lemma (a compound as written: ``air_strike``), in file order."""
        return self._nouns.get(lemma, ())

    @functools.cached_property
    def compound_heads(self) -> frozenset[str]:
        """The words a NOUN frame's compound can end with: "strike" for ``air_strike`` (and for ``a_b_c``
        both "b_c" and "c"), so the coder looks for a compound only before those."""
        return frozenset(
            "_".join(parts[cut:])
            for frame in self._frames
            if frame.pos == "NOUN"
            for parts in (frame.lemma.split("_"),)
            for cut in range(1, len(parts))
        )

    @functools.cached_property
    def _trigger_words(self) -> frozenset[str]:
        inflector = _inflector()
        words: set[str] = set()
        for lemma in self._verbs:
            words.update(inflector.verb_forms(lemma))
        for lemma in self._nouns:
            head = lemma.rsplit("_", 1)[-1]
            words.update((head, inflector.third_person(head)))
            if "_" in lemma:
                words.add(lemma.replace("_", ""))  # "airstrike", "roadside_bomb" written as one token
        return frozenset(words)

    @functools.cached_property
    def _form_index(self) -> dict[str, tuple[str, ...]]:
        inflector = _inflector()
        index: dict[str, list[str]] = {}
        for lemma in self._verbs:
            for form in inflector.verb_forms(lemma):
                index.setdefault(form, []).append(lemma)
        return {form: tuple(sorted(lemmas)) for form, lemmas in index.items()}

    def verb_lemmas(self, word: str) -> tuple[str, ...]:
        """The frame verb lemmas that have ``word`` (lower case) as one of their forms: "staged" ->
        ("stage",). en_core_web_sm's lemmatizer gets many e-final verbs wrong ("staged" -> "stag",
        "waged" -> "wag", "hoped" -> "hop"), so the coder can look a verb token up by its text too."""
        return self._form_index.get(word, ())

    def trigger_words(self) -> frozenset[str]:
        """Every surface form (lower case) a trigger head may take: the verb forms of each verb lemma
        (base, -s, past, past participle, -ing; ``irregular.txt`` for the irregular ones), singular and
        plural of each noun (the head of a compound). A sentence without one of them holds no frame."""
        return self._trigger_words

    def roots(self) -> dict[str, int]:
        """Entries per CAMEO root ("01" ... "20"), in root order."""
        counts: dict[str, int] = {}
        for frame in self._frames:
            counts[frame.code[:2]] = counts.get(frame.code[:2], 0) + 1
        return dict(sorted(counts.items()))

    def codes(self) -> frozenset[str]:
        """Every code some frame names."""
        return frozenset(frame.code for frame in self._frames)
