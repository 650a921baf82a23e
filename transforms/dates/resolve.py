"""Temporal expressions in English sentences, resolved against the article's publication date.

A ``TemporalTagger`` is built once (compiled patterns from ``transforms/lexicons/dates/en.yaml``) and
then called per sentence: ``tagger.find(sentence_text, published_date)``. A cheap scan comes first: one
``findall`` of the sentence's words decides which pattern families can match (month names, weekday
names, four digits, relative words such as "ago" or "week"); a sentence with none of them costs nothing
more. The longest non-overlapping matches are kept and resolved. dateparser results are cached by
(expression, publication date, direction), so it runs once per distinct expression and day.

How each kind of expression is resolved (``base`` = publication date, a ``datetime.date``):

============== ===================================== =========== ========== ================================
kind           examples                              granularity resolution resolved by
============== ===================================== =========== ========== ================================
full_date      2021-03-03                            day         absolute   the text itself (no base needed)
day_month,     3 March 2021, March 3, 2021,          day         absolute   the text itself when it has a
month_day      Tuesday, March 3, 2021                                       year (no base needed), else:
day_month,     March 3, the 3rd of March, Oct. 27    day         absolute   dateparser's PREFER_DATES_FROM
month_day                                                                   rule by tense, as arithmetic
                                                                            (``day_month_near``); the
                                                                            publication day itself when it
                                                                            is that day
month_year     March 2021, mid-October 2020          month       absolute   the text itself
month          in March, early May, last March       month       absolute   calendar arithmetic (below)
year           in 2021, since 2019, mid-2020,        year        absolute   the text itself
               from 1999 to 2004
weekday        on Wednesday, last Tuesday,           day         relative   calendar arithmetic (below)
               Monday night
deictic        yesterday, today, last night,         day         relative   dateparser (RELATIVE_BASE)
               the day before yesterday
ago            two days ago, a week ago,             by unit     relative   dateparser (RELATIVE_BASE), then
               three years ago                                              truncated to the unit
in_count       in two days, in three weeks' time     by unit     relative   dateparser, future clauses only
period         last week, earlier this month,        week/month/ relative   calendar arithmetic
               next year, this weekend               year
month_of_year  May this year, August last year       month       relative   calendar arithmetic
anchored       The next day, later that day, hours   day         anchored   days counted from the nearest
               later, By evening, a day after,                              day named before it in the
               two days later, the previous day                             article (``find_in_sentences``)
                                                                            or the publication date
============== ===================================== =========== ========== ================================

Anchored expressions: ``anchored`` in the lexicon gives each fixed phrase its distance in days ("The
next day" +1, "hours later" 0); "N days later/earlier" is ±N. "N days after/before X" dates X when a day
is named earlier in its sentence ("on Monday, a day after migrants hurled stones": Sunday) and its own
clause otherwise ("Two days after the vote, the president resigned": the anchor + 2). Only day-precision
expressions are anchors. ``date_precision(row)`` tells a ``dates`` row's precision (its granularity).

Spans leave out the preposition ("on Wednesday" → "Wednesday", "in March" → "March") and keep the
words that shape the date ("last Tuesday", "early March", "earlier this month").

Coarser granularities resolve to the first day of the period: Monday of the ISO week, the 1st of the
month, January 1st. Where dateparser's answer is not what news prose means we use exact arithmetic:

- A bare weekday that is the publication day's weekday is the publication day ("said on Thursday" in a
  Thursday article), not a week earlier or later as dateparser has it. "last X" is 1-7 days back,
  "next X" 1-7 days forward. Otherwise the weekday is the latest one on or before the publication day
  in a past clause, the first one on or after it in a future clause ("will visit on Monday").
- The same holds for "March 3" on March 3 and "in March" in a March article: the current one.
- "last week/month/year" is the previous calendar period, not seven days/one month/one year back.

Tense: a tense cue (``future_cues``/``past_cues`` in the lexicon, or any -ed word) within a few words of
the expression decides: first on its left in its own clause, then on its right, then across punctuation,
nearest first; with no cue the clause is taken as past, since news mostly reports what happened. Present
verbs of scheduled events ("closes", "runs") are future cues; "plans" after a determiner or a past verb is
a noun, no cue; a past verb of intent or appeal followed by an infinitive ("urged supporters to rally on
Saturday", "pledged to send troops by November") puts what follows the infinitive in the future.
Expressions that need a publication date are skipped (resolved_date None)
when the article has none; full dates, month-year and year expressions are still resolved. A publication
date or an anchor outside the years ``MIN_YEAR`` to ``MAX_YEAR`` counts as none (an item dated
0001-01-01 or 9999-12-31 cannot place "on Tuesday"; the arithmetic would leave the calendar), and so is a
result outside those years ("999 years ago").

The patterns are English; in other languages only ISO dates (2021-03-03) are reliably found.

Not taken: lower-case "may"/"march" (months are matched case-sensitively), a bare month or year without
a cue word ("March was cold", "Section 2021"), compound adjectives ("the two-decade war"), holiday and
newspaper names ("Good Friday", "the Sunday Times"), numeric dates like 3/4/2021 (ambiguous order),
seasons, decades ("the 1990s"), and month ranges beyond their first month.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import importlib.resources
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import dateparser
import yaml

DAY, WEEK, MONTH, YEAR = "day", "week", "month", "year"
ABSOLUTE, RELATIVE, ANCHORED = "absolute", "relative", "anchored"
PAST, FUTURE, THIS = "past", "future", "this"
_GRANULARITY_RANK = {DAY: 0, WEEK: 1, MONTH: 2, YEAR: 3}
# Years outside this range after a cue word are counts or codes, not years ("in 3000 villages").
MIN_YEAR, MAX_YEAR = 1800, 2100
_CACHE_LIMIT = 200_000  # entries; a cache this size is a few tens of MB, then it starts over
_TENSE_WINDOW_WORDS = 8  # words looked at on each side of an expression for a tense cue
_LEXICON_PARTS = ("lexicons", "dates", "en.yaml")


@dataclasses.dataclass(frozen=True)
class Mention:
    """One temporal expression in a sentence; offsets are relative to the sentence text."""

    start: int
    end: int
    text: str
    resolved_date: dt.date | None
    granularity: str
    resolution: str
    kind: str


# How far a date is known, for a dates row's ``granularity`` (see ``date_precision``).
PRECISIONS = (DAY, WEEK, MONTH, YEAR)


def date_precision(row: Mapping[str, Any]) -> str:
    """'day', 'week', 'month' or 'year': how precise a ``dates`` row's ``resolved_date`` is.

    A coarser row still carries a date (the first day of its week, month or year), so only 'day' rows
    name the day something happened; "earlier this month" is 'month', "last week" 'week', "in 2019"
    'year'. Reads the row's ``granularity`` (or a ``precision`` key, if a caller has one).
    """
    value = row.get("precision") or row.get("granularity")
    if value not in PRECISIONS:
        raise ValueError(f"a dates row needs a granularity of {', '.join(PRECISIONS)}; got {value!r}")
    return value


@dataclasses.dataclass(frozen=True)
class DateLexicon:
    """The words the tagger knows (see transforms/lexicons/dates/README.md)."""

    months: Mapping[str, int]
    weekdays: Mapping[str, int]
    weekday_not_after: Sequence[str]
    weekday_not_before: Sequence[str]
    numbers: Mapping[str, int]
    month_cues: Sequence[str]
    year_cues: Sequence[str]
    year_range_connectors: Sequence[str]
    period_modifiers: Sequence[str]
    direction_words: Mapping[str, str]
    future_cues: Sequence[str]
    past_cues: Sequence[str]
    noun_cues: Sequence[str]
    noun_markers: Sequence[str]
    intent_verbs: Sequence[str]
    not_infinitive: Sequence[str]
    anchored: Mapping[str, int]
    anchored_count_words: Mapping[str, int]
    anchored_relations: Mapping[str, int]
    anchored_not_after: Sequence[str]

    @classmethod
    def load(cls, text: str | None = None) -> DateLexicon:
        """The packaged English lexicon, or one given as YAML text (for tests)."""
        if text is None:
            resource = importlib.resources.files("transforms").joinpath(*_LEXICON_PARTS)
            text = resource.read_text(encoding="utf-8")
        data: dict[str, Any] = yaml.safe_load(text)
        if not isinstance(data, dict):
            raise ValueError("date lexicon must be a YAML mapping; see transforms/lexicons/dates/README.md")
        fields = [field.name for field in dataclasses.fields(cls)]
        missing = [name for name in fields if name not in data]
        if missing:
            raise ValueError(f"date lexicon lacks {missing}; see transforms/lexicons/dates/README.md")
        bad = {k: v for k, v in data["direction_words"].items() if v not in (PAST, FUTURE, THIS)}
        if bad:
            raise ValueError(f"date lexicon direction_words {bad}: values must be past, future or this")
        for name in fields:
            words = data[name] if isinstance(data[name], list) else list(data[name] or ())
            odd = [word for word in words if not isinstance(word, str)]
            if odd:  # YAML reads a bare no, yes, on or off as a boolean: quote them
                raise ValueError(f"date lexicon {name} has non-text entries {odd}; quote them")
        for section in ("anchored", "anchored_count_words", "anchored_relations"):
            bad = {k: v for k, v in data[section].items() if not isinstance(v, int) or isinstance(v, bool)}
            if bad:
                raise ValueError(f"date lexicon {section} {bad}: values must be whole numbers of days")
        return cls(**{name: data[name] for name in fields})


def _alternation(phrases: Iterable[str]) -> str:
    """A regex alternation of literal phrases, longest first, whitespace matching any run of spaces."""
    ordered = sorted(set(phrases), key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(word) for word in phrase.split()) for phrase in ordered)


def _ci(phrases: Iterable[str]) -> str:
    return f"(?i:{_alternation(phrases)})"


def _month_alternation(months: Mapping[str, int]) -> str:
    """Month names; an abbreviation (a name shorter than another for the same month) may carry a period
    ("Oct. 27"). Every name must end at a word boundary, so "Mar" never matches inside "Marco"."""
    longest: dict[int, int] = {}
    for name, number in months.items():
        longest[number] = max(longest.get(number, 0), len(name))
    parts = []
    for name in sorted(months, key=len, reverse=True):
        abbreviated = len(name) < longest[months[name]]
        parts.append(rf"{re.escape(name)}(?:\.|\b)" if abbreviated else rf"{re.escape(name)}\b")
    return "|".join(parts)


@dataclasses.dataclass
class _Candidate:
    start: int
    end: int
    kind: str
    groups: dict[str, str | None]


class TemporalTagger:
    """Finds and resolves temporal expressions; build once, call ``find`` per sentence."""

    def __init__(self, lexicon: DateLexicon):
        self._lexicon = lexicon
        self._months = {name.lower().rstrip("."): number for name, number in lexicon.months.items()}
        self._weekdays = {name.lower(): number for name, number in lexicon.weekdays.items()}
        self._numbers = {" ".join(k.lower().split()): v for k, v in lexicon.numbers.items()}
        self._directions = {" ".join(k.lower().split()): v for k, v in lexicon.direction_words.items()}
        self._future_single, future_multi = _split_cues(lexicon.future_cues)
        self._past_single, past_multi = _split_cues(lexicon.past_cues)
        # word -> [(phrase, tense, position of the word in the phrase)], so most words cost one lookup
        self._multi_by_word: dict[str, list[tuple[tuple[str, ...], str, int]]] = {}
        for phrases, tense in ((future_multi, FUTURE), (past_multi, PAST)):
            for phrase in phrases:
                for position, word in enumerate(phrase):
                    self._multi_by_word.setdefault(word, []).append((phrase, tense, position))
        self._noun_cues = frozenset(w.lower() for w in lexicon.noun_cues)
        self._noun_markers = frozenset(w.lower() for w in lexicon.noun_markers)
        self._intent_verbs = frozenset(w.lower() for w in lexicon.intent_verbs)
        self._not_infinitive = frozenset(w.lower() for w in lexicon.not_infinitive)
        self._anchored = {" ".join(k.lower().split()): v for k, v in lexicon.anchored.items()}
        self._anchored_counts = {k.lower(): v for k, v in lexicon.anchored_count_words.items()}
        self._anchored_relations = {k.lower(): v for k, v in lexicon.anchored_relations.items()}
        self._anchored_not_after = frozenset(lexicon.anchored_not_after)
        self._patterns = self._compile(lexicon)
        self._cache: dict[tuple[str, dt.date, str], dt.date | None] = {}
        self.dateparser_calls = 0
        self.cache_hits = 0

    @classmethod
    def from_lexicon(cls) -> TemporalTagger:
        return cls(DateLexicon.load())

    # ---- patterns -------------------------------------------------------------------------------------

    def _compile(self, lex: DateLexicon) -> list[tuple[str, str, re.Pattern[str]]]:
        month = f"(?P<month>{_month_alternation(lex.months)})"
        weekday = "(?:" + "|".join(rf"{re.escape(w)}\b" for w in lex.weekdays) + ")"
        day = r"(?P<day>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
        year = r"(?P<year>\d{4})"
        modifier = rf"(?:{_ci(lex.period_modifiers)})"
        direction = rf"(?:{_ci(lex.direction_words)})"
        count = rf"(?P<count>\d{{1,3}}|{_ci(lex.numbers)})"
        not_before = rf"(?!\s+(?:{_alternation(lex.weekday_not_before)})\b)"
        no_digit_before = r"(?<![\d.,:/\-])"
        # Look-behinds must be fixed-width: one per (cue, connector) pair and case of the cue. They sit
        # after the four digits, so the engine tries them only where a year is.
        range_openers = "|".join(
            rf"(?<=\b{re.escape(cue)}\s\d{{4}}\s{re.escape(connector)}\s\d{{4}})"
            for word in ("from", "between", "since", "in")
            for cue in (word, word.capitalize())
            for connector in lex.year_range_connectors
        )
        # (kind, gate, pattern): a pattern runs only on sentences holding a word of its gate.
        patterns = [
            ("full_date", "year", rf"{no_digit_before}\b{year}-(?P<mnum>[01]\d)-(?P<day>[0-3]\d)(?![\d\-])"),
            # "Tuesday, 3 March 2021", "the 3rd of March", "3 March"
            ("day_month", "month", rf"\b(?:{weekday},?\s+)?(?:the\s+)?{no_digit_before}{day}(?:\s+of)?\s+"
                                   rf"{month}(?:,?\s+{year}(?!\d|,\d))?"),
            # "Tuesday, March 3, 2021", "Oct. 27"; not "Long March 5" (a rocket)
            ("month_day", "month", rf"\b(?:{weekday},?\s+)?(?<!Long\s){month}\s+{day}(?![\d:.,]\d|\w)"
                                   rf"(?:,?\s+{year}(?!\d|,\d))?"),
            ("month_year", "month", rf"\b(?:{modifier}[\s-]+)?{month}(?:\s+of)?,?\s+{year}(?![\d,]\d|\w)"),
            ("month", "month", rf"(?:\b{_ci(lex.month_cues)}\s+)(?P<span>(?:(?P<direction>{direction})\s+)?"
                               rf"(?:{modifier}[\s-]+)?{month})(?!\s*\d)"),
            ("month", "month", rf"\b(?P<span>(?:(?P<direction>{direction})\s+|{modifier}[\s-]+)"
                               rf"(?:{modifier}[\s-]+)?{month})(?!\s*\d)"),
            ("year", "year", rf"\b{_ci(lex.year_cues)}\s+(?P<span>(?:{modifier}[\s-]+)?{year})"
                             r"(?![\w\-]|[.,]\d)"),
            ("year", "year", rf"\b(?P<span>{modifier}[\s-]+{year})(?![\w\-]|[.,]\d)"),
            # the second year of "from 1999 to 2004" (not of "1999 and 2004 ballots")
            ("year", "year", rf"\b(?P<span>{year})(?:{range_openers})(?![\w\-]|[.,]\d)"),
            ("weekday", "weekday", rf"\b(?P<span>(?:(?P<direction>{direction})\s+)?(?P<weekday>{weekday})"
                                   rf"{not_before}(?:\s+(?i:morning|afternoon|evening|night)\b)?)"),
            ("deictic", "relative", r"\b(?i:the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow"
                                    r"|yesterday|today|tomorrow|tonight|last\s+night"
                                    r"|this\s+(?:morning|afternoon|evening))\b"),
            ("ago", "relative", rf"\b{count}\s+(?P<unit>(?i:day|week|month|year|decade))s?\s+(?i:ago)\b"),
            ("in_count", "relative", rf"\b(?i:in)\s+{count}\s+(?P<unit>(?i:day|week|month|year))s?"
                                     r"(?P<time>['’]s?\s+(?i:time))?\b"),
            ("period", "relative", rf"(?<!\bthe\s)\b(?:{modifier}\s+)?(?P<direction>(?i:this|last|next))\s+"
                                   r"(?P<unit>(?i:week|month|year|weekend))\b"),
            # "May this year", "in August last year": a month of the year the period names
            ("month_of_year", "month", rf"\b(?:{modifier}[\s-]+)?{month}(?:\s+of)?\s+"
                                       r"(?P<direction>(?i:this|last|next))\s+(?i:year)\b"),
            # "February's earthquake": a possessive month, not after a name ("Theresa May's")
            ("month", "month", rf"\b(?P<span>{month})(?=(?P<possessive>['’]s\b))"),
            # dated from the nearest earlier day: "The next day", "hours later", "a day after"
            ("anchored", "anchored", rf"\b(?P<phrase>{_ci(lex.anchored)})\b"),
            ("anchored", "anchored", rf"\b(?P<count>\d{{1,2}}|{_ci(lex.numbers)}|(?i:the))\s+"
                                     rf"(?P<unit>(?i:days?|hours?))\s+"
                                     rf"(?P<relation>{_ci(lex.anchored_count_words)}"
                                     rf"|{_ci(lex.anchored_relations)})\b"),
            ("anchored", "anchored", rf"\b(?:(?i:a\s+few|several|some|just|only)\s+)?(?P<unit>(?i:hours))\s+"
                                     rf"(?P<relation>{_ci(lex.anchored_relations)})\b"),
        ]
        # Gate words: a sentence holding none of them is done after one findall.
        relative_words = {"yesterday", "today", "tomorrow", "tonight", "night", "morning", "afternoon",
                          "evening", "ago", "day", "days", "week", "weeks", "weekend", "month", "months",
                          "year", "years", "decade", "decades"}
        self._gates: dict[str, frozenset[str]] = {
            "month": frozenset(name.rstrip(".") for name in lex.months),
            "weekday": frozenset(lex.weekdays),
            "relative": frozenset(relative_words | {w.capitalize() for w in relative_words}
                                  | {w.upper() for w in relative_words}),
            "anchored": frozenset(word for phrase in lex.anchored for word in phrase.split()[-1:]
                                  for word in (word.lower(), word.capitalize()))
            | {"day", "days", "hours", "Day", "Days", "Hours"},
        }
        self._not_after = frozenset(lex.weekday_not_after)
        return [(kind, gate, re.compile(pattern)) for kind, gate, pattern in patterns]

    # ---- finding --------------------------------------------------------------------------------------

    def _open_gates(self, sentence: str) -> set[str]:
        words = set(_GATE_TOKEN.findall(sentence))
        gates = {gate for gate, vocabulary in self._gates.items() if not vocabulary.isdisjoint(words)}
        if _FOUR_DIGITS.search(sentence):
            gates.add("year")
        return gates

    def candidates(self, sentence: str) -> list[_Candidate]:
        """Longest non-overlapping candidate expressions in ``sentence`` (no resolution yet)."""
        gates = self._open_gates(sentence)
        if not gates:
            return []
        found: list[tuple[int, int, int, _Candidate]] = []
        for order, (kind, gate, pattern) in enumerate(self._patterns):
            if gate not in gates:
                continue
            for match in pattern.finditer(sentence):
                if kind == "weekday" and self._weekday_is_a_name(sentence, match.start("weekday")):
                    continue
                if match.groupdict().get("possessive") and self._after_a_name(sentence, match.start()):
                    continue
                if kind == "anchored" and match.groupdict().get("unit") and self._a_duration(sentence, match):
                    continue
                span_group = "span" if "span" in pattern.groupindex else 0
                start, end = match.span(span_group)
                groups = match.groupdict()
                found.append((start, -(end - start), order, _Candidate(start, end, kind, groups)))
        found.sort(key=lambda item: item[:3])
        chosen: list[_Candidate] = []
        last_end = -1
        for start, _, _, candidate in found:
            if start >= last_end:
                chosen.append(candidate)
                last_end = candidate.end
        return chosen

    def _weekday_is_a_name(self, sentence: str, weekday_start: int) -> bool:
        """"Good Friday", "every Monday": the word before the weekday makes it no particular day."""
        previous = _PREVIOUS_WORD.search(sentence, max(0, weekday_start - 30), weekday_start)
        return previous is not None and previous.group(1) in self._not_after

    def _a_duration(self, sentence: str, match: re.Match[str]) -> bool:
        """"for several hours before withdrawing": a count of hours or days after "for" is a duration."""
        previous = _PREVIOUS_WORD.search(sentence, max(0, match.start() - 30), match.start())
        return previous is not None and previous.group(1) in self._anchored_not_after

    @staticmethod
    def _after_a_name(sentence: str, start: int) -> bool:
        """"Theresa May's": a capitalized word before a possessive month makes it a surname."""
        previous = _PREVIOUS_WORD.search(sentence, max(0, start - 30), start)
        if previous is None or not previous.group(1)[0].isupper():
            return False
        return sentence[:previous.start(1)].strip(" \"'“‘(") != ""  # "After May's vote": first word

    def find(self, sentence: str, base: dt.date | None, anchor: dt.date | None = None) -> list[Mention]:
        """Every temporal expression in ``sentence``; ``resolved_date`` is None when it cannot be
        resolved (no publication date for a relative expression, or an impossible date).

        Anchored expressions ("The next day", "hours later") count from the last day named before them
        in the sentence, else from ``anchor`` (the last day named in earlier sentences), else from
        ``base``. ``find_in_sentences`` carries the anchor across an article's sentences.
        """
        if isinstance(base, dt.datetime):
            base = base.date()  # a timestamp given for a date: its calendar day (callers pass UTC)
        base, anchor = _within_years(base), _within_years(anchor)
        mentions = []
        for candidate in self.candidates(sentence):
            if candidate.kind == "anchored":
                resolved, granularity, resolution = self._resolve_anchored(candidate, mentions, anchor, base)
            else:
                resolved, granularity, resolution = self._resolve(sentence, candidate, base)
            if resolution is None:
                continue  # not a date after all (e.g. "in two years" in a past clause)
            resolved = _within_years(resolved)
            mentions.append(Mention(candidate.start, candidate.end, sentence[candidate.start:candidate.end],
                                    resolved, granularity, resolution, candidate.kind))
        return mentions

    def find_in_sentences(self, sentences: Iterable[Any], base: dt.date | None) -> list[tuple[Any, Mention]]:
        """``find`` over an article's sentences in text order (objects with a ``text``), each anchored
        expression resolved against the nearest day named before it anywhere in the article (or the
        publication date when none is). Returns (sentence, mention) pairs."""
        found: list[tuple[Any, Mention]] = []
        anchor: dt.date | None = None
        for sentence in sentences:
            for mention in self.find(sentence.text, base, anchor):
                found.append((sentence, mention))
                if mention.granularity == DAY and mention.resolved_date is not None:
                    anchor = mention.resolved_date
        return found

    def _resolve_anchored(self, cand: _Candidate, before: Sequence[Mention], anchor: dt.date | None,
                          base: dt.date | None):
        """An anchored expression: (date, DAY, ANCHORED), the date counted from the last day named
        before it in the sentence (``before``), else ``anchor``, else ``base``."""
        g = cand.groups
        in_sentence = next((m.resolved_date for m in reversed(before)
                            if m.granularity == DAY and m.resolved_date is not None), None)
        reference = in_sentence or anchor or base
        if isinstance(reference, dt.datetime):
            reference = reference.date()
        if g.get("phrase"):
            days = self._anchored[" ".join(g["phrase"].lower().split())]
        else:
            relation = " ".join(g["relation"].lower().split())
            hours = g["unit"].lower().startswith("hour")
            count = 0 if hours else (1 if g["count"].lower() == "the" else self._count(g["count"]))
            if relation in self._anchored_counts:
                days = count * self._anchored_counts[relation]
            else:
                # "X, a day after Y": Y is a day before the day named in the sentence; without one,
                # "A day after Y, X ...": X is a day after the anchor (Y's day)
                sign = self._anchored_relations[relation]
                days = -sign * count if in_sentence is not None else sign * count
        if reference is None:
            return None, DAY, ANCHORED
        return reference + dt.timedelta(days=days), DAY, ANCHORED

    # ---- resolution -----------------------------------------------------------------------------------

    def _resolve(self, sentence: str, cand: _Candidate, base: dt.date | None):
        g = cand.groups
        kind = cand.kind
        if kind == "full_date":
            return _safe_date(int(g["year"]), int(g["mnum"]), int(g["day"])), DAY, ABSOLUTE
        if kind in ("day_month", "month_day"):
            month = self._month_number(g["month"])
            if g.get("year"):
                return _safe_date(int(g["year"]), month, int(g["day"])), DAY, ABSOLUTE
            if base is None:
                return None, DAY, ABSOLUTE
            direction = self._tense(sentence, cand.start, cand.end)
            return day_month_near(month, int(g["day"]), base, direction), DAY, ABSOLUTE
        if kind == "month_year":
            year = int(g["year"])
            ok = MIN_YEAR <= year <= MAX_YEAR
            return (dt.date(year, self._month_number(g["month"]), 1) if ok else None), MONTH, ABSOLUTE
        if kind == "year":
            year = int(g["year"])
            if not MIN_YEAR <= year <= MAX_YEAR:
                return None, YEAR, None
            return dt.date(year, 1, 1), YEAR, ABSOLUTE
        if kind == "month_of_year":
            if base is None:
                return None, MONTH, RELATIVE
            step = {"last": -1, "this": 0, "next": 1}[g["direction"].lower()]
            return dt.date(base.year + step, self._month_number(g["month"]), 1), MONTH, RELATIVE
        if kind == "month":
            if base is None:
                return None, MONTH, ABSOLUTE
            direction, strict = self._direction_of(cand, sentence)
            month = self._month_number(g["month"])
            return _month_near(month, base, direction, strict=strict), MONTH, ABSOLUTE
        if base is None:
            return None, _unit_granularity(g.get("unit")), RELATIVE
        if kind == "weekday":
            direction, strict = self._direction_of(cand, sentence)
            weekday = self._weekdays[g["weekday"].lower()]
            return _weekday_near(weekday, base, direction, strict=strict), DAY, RELATIVE
        if kind == "deictic":
            query = " ".join(sentence[cand.start:cand.end].lower().split())
            return self._dateparser(query, base, PAST), DAY, RELATIVE
        if kind in ("ago", "in_count"):
            count = self._count(g["count"])
            unit = g["unit"].lower()
            granularity = _unit_granularity(unit)
            if unit == "decade":
                count, unit = count * 10, "year"
            if kind == "in_count":
                if not g.get("time") and self._tense(sentence, cand.start, cand.end) != FUTURE:
                    return None, granularity, None  # "rose in two years": a duration, not a date
                query = f"in {count} {unit}s"
            else:
                query = f"{count} {unit}s ago"
            parsed = self._dateparser(query, base, PAST)
            return (_truncate(parsed, granularity) if parsed else None), granularity, RELATIVE
        if kind == "period":
            unit = g["unit"].lower()
            granularity = WEEK if unit == "weekend" else _unit_granularity(unit)
            step = {"last": -1, "this": 0, "next": 1}[g["direction"].lower()]
            return _period(base, granularity, step), granularity, RELATIVE
        raise ValueError(f"unknown temporal expression kind {kind!r}")

    def _month_number(self, written: str) -> int:
        return self._months[written.lower().rstrip(".")]

    def _count(self, written: str) -> int:
        return int(written) if written.isdigit() else self._numbers[" ".join(written.lower().split())]

    def _direction_of(self, cand: _Candidate, sentence: str) -> tuple[str, bool]:
        """(direction, strict): an explicit "last"/"next" points strictly away from the publication
        date; "this March" means the base year's March; otherwise the clause's tense decides and the
        current weekday or month itself qualifies."""
        written = cand.groups.get("direction")
        word = self._directions.get(" ".join(written.lower().split())) if written else None
        if word in (PAST, FUTURE):
            return word, True
        if word == THIS and cand.kind == "month":
            return THIS, False
        return self._tense(sentence, cand.start, cand.end), False

    def _dateparser(self, query: str, base: dt.date, direction: str) -> dt.date | None:
        key = (query, base, direction)
        if key in self._cache:
            self.cache_hits += 1
            return self._cache[key]
        self.dateparser_calls += 1
        parsed = dateparser.parse(
            query,
            languages=["en"],
            settings={
                "RELATIVE_BASE": dt.datetime(base.year, base.month, base.day),
                "PREFER_DATES_FROM": direction,
                "RETURN_AS_TIMEZONE_AWARE": False,
            },
        )
        result = parsed.date() if parsed is not None else None
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[key] = result
        return result

    def _tense(self, sentence: str, start: int, end: int) -> str:
        """'future' when the tense cue that governs the expression is a future one, else 'past'.

        The expression's own clause is searched first, its left part before its right part, since the
        verb a date phrase modifies usually comes before it ("which began on Monday, will continue":
        began; "said the heat would persist until Thursday and warned": would), then the neighbouring
        words across punctuation ("On Friday, the minister will visit": will). A past verb of intent
        followed by an infinitive ("pledged to send troops by November") puts the expression after the
        infinitive in the future.
        """
        left = sentence[max(0, start - 100):start]
        right = sentence[end:end + 80]
        left_clause = _CLAUSE_BREAK.split(left)[-1]
        right_clause = _CLAUSE_BREAK.split(right)[0]
        return (self._left_cue(left_clause) or self._nearest_cue("", right_clause)
                or self._nearest_cue(left, right) or PAST)

    def _words(self, text: str) -> list[str]:
        return [w.replace("’", "'") for w in _WORD.findall(text)]

    def _left_cue(self, left: str) -> str | None:
        """The tense cue nearest the expression on its left, within the tense window."""
        written = self._words(left)
        words = [w.lower() for w in written]
        first = max(0, len(words) - _TENSE_WINDOW_WORDS)
        for index in range(len(words) - 1, first - 1, -1):
            cue = self._cue_at(words, index)
            if cue == PAST and words[index] in self._intent_verbs and self._infinitive_after(written, index):
                return FUTURE
            if cue:
                return cue
        # no cue near: an intent verb further back in the clause, then its infinitive ("called on
        # supporters across the country to rally peacefully in the capital on Saturday")
        for index in range(first - 1, -1, -1):
            if words[index] in self._intent_verbs:
                return FUTURE if self._infinitive_after(written, index) else None
        return None

    def _infinitive_after(self, written: list[str], index: int) -> bool:
        """A "to" + verb after ``written[index]`` ("urged them to rally", not "agreed to the plan")."""
        for position in range(index + 1, len(written) - 1):
            following = written[position + 1]
            if (written[position].lower() == "to" and following.islower()
                    and following not in self._not_infinitive):
                return True
        return False

    def _nearest_cue(self, left: str, right: str) -> str | None:
        # a few words more than the window on the left, so a multi-word cue may start before it
        before = [w.lower() for w in self._words(left)[-_TENSE_WINDOW_WORDS - 3:]]
        after = [w.lower() for w in self._words(right)[:_TENSE_WINDOW_WORDS]]
        for distance in range(_TENSE_WINDOW_WORDS):
            if distance < len(before):
                cue = self._cue_at(before, len(before) - 1 - distance)
                if cue:
                    return cue
            if distance < len(after):
                cue = self._cue_at(after, distance)
                if cue:
                    return cue
        return None

    def _cue_at(self, words: list[str], index: int) -> str | None:
        word = words[index]
        for phrase, tense, position in self._multi_by_word.get(word, ()):
            first = index - position
            if (first >= 0 and tuple(words[first:first + len(phrase)]) == phrase
                    and not self._is_a_noun(words, first)):
                return tense
        clitic = "'" + word.rsplit("'", 1)[1] if "'" in word else None  # "they'll" -> "'ll"
        future = word in self._future_single or clitic in self._future_single
        if future and not self._is_a_noun(words, index):
            return FUTURE
        if word in self._past_single or (len(word) > 4 and word.endswith("ed")):
            return PAST
        return None

    def _is_a_noun(self, words: list[str], index: int) -> bool:
        """"its plans", "dropped plans to": a noun cue after a determiner or a past-tense verb."""
        if words[index] not in self._noun_cues or index == 0:
            return False
        previous = words[index - 1]
        return (previous in self._noun_markers or previous in self._past_single
                or (len(previous) > 4 and previous.endswith("ed")))


_GATE_TOKEN = re.compile(r"[A-Za-z]+")
_FOUR_DIGITS = re.compile(r"\d{4}")
_PREVIOUS_WORD = re.compile(r"([A-Za-z]+)\s+$")
_WORD = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")
_CLAUSE_BREAK = re.compile(r"[,;:()\"“”—–]|\s-\s")


def _split_cues(cues: Iterable[str]) -> tuple[frozenset[str], tuple[tuple[str, ...], ...]]:
    """Single-word cues as a set, multi-word cues as word tuples (all lower case, straight quotes)."""
    normalized = [cue.lower().replace("’", "'") for cue in cues]
    return (frozenset(c for c in normalized if len(c.split()) == 1),
            tuple(tuple(c.split()) for c in normalized if len(c.split()) > 1))


def _within_years(day: dt.date | None) -> dt.date | None:
    """``day`` when its year is one news prose can mean (MIN_YEAR to MAX_YEAR), else None."""
    return day if day is not None and MIN_YEAR <= day.year <= MAX_YEAR else None


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _unit_granularity(unit: str | None) -> str:
    unit = (unit or "day").lower()
    return {"day": DAY, "week": WEEK, "month": MONTH, "year": YEAR, "decade": YEAR}.get(unit, DAY)


def _truncate(day: dt.date, granularity: str) -> dt.date:
    if granularity == WEEK:
        return day - dt.timedelta(days=day.weekday())
    if granularity == MONTH:
        return day.replace(day=1)
    if granularity == YEAR:
        return day.replace(month=1, day=1)
    return day


def _weekday_near(weekday: int, base: dt.date, direction: str, *, strict: bool) -> dt.date:
    """The weekday (ISO 1-7) nearest ``base`` in ``direction``; ``strict`` excludes ``base`` itself."""
    back = (base.isoweekday() - weekday) % 7
    forward = (weekday - base.isoweekday()) % 7
    if direction == FUTURE:
        return base + dt.timedelta(days=forward or (7 if strict else 0))
    return base - dt.timedelta(days=back or (7 if strict else 0))


def _month_near(month: int, base: dt.date, direction: str, *, strict: bool) -> dt.date:
    """The 1st of ``month`` nearest ``base`` in ``direction`` (this = in base's year); ``strict``
    ("last October" in an October article) excludes base's own month."""
    year = base.year
    if direction == PAST and (month > base.month or (strict and month == base.month)):
        year -= 1
    elif direction == FUTURE and (month < base.month or (strict and month == base.month)):
        year += 1
    return dt.date(year, month, 1)


def day_month_near(month: int, day: int, base: dt.date, direction: str) -> dt.date | None:
    """The date of "March 3" (no year) in an article of ``base``: the nearest one before it (PAST) or
    after it (FUTURE); the publication day itself when it is that day; for February 29, the nearest leap
    year that way; None for an impossible date ("April 31").

    This is dateparser's answer with RELATIVE_BASE and PREFER_DATES_FROM (a test checks the two agree
    over every month, day and direction on a spread of bases), by arithmetic: it is the most frequent
    expression in news text and dateparser costs a millisecond or two per distinct (expression, day).
    """
    if (month, day) == (base.month, base.day):
        return base  # "October 28" in an October 28 article: that day, not a year away
    if day > calendar.monthrange(2000, month)[1]:  # 2000: a leap year, so February 29 is possible
        return None
    step = -1 if direction == PAST else 1
    year = base.year
    if (step < 0) == ((month, day) > (base.month, base.day)):
        year += step  # this year's is on the wrong side of the publication day
    while not calendar.isleap(year) and (month, day) == (2, 29):
        year += step
    return _safe_date(year, month, day)


def _period(base: dt.date, granularity: str, step: int) -> dt.date:
    if granularity == WEEK:
        return _truncate(base, WEEK) + dt.timedelta(weeks=step)
    if granularity == MONTH:
        index = base.year * 12 + base.month - 1 + step
        return dt.date(index // 12, index % 12 + 1, 1)
    return dt.date(base.year + step, 1, 1)


def event_date_for(
    trigger_start: int,
    trigger_end: int,
    sentence_date_rows: Iterable[Mapping[str, Any]],
    published_date: dt.date | None,
) -> tuple[dt.date | None, str]:
    """The date of an event whose trigger spans [trigger_start, trigger_end) in the article text.

    ``sentence_date_rows`` are the ``dates`` rows of the trigger's sentence (offsets in the article
    text). The expression nearest the trigger wins (distance 0 when they overlap); when two are equally
    near, the finer granularity wins (a day over a week, month or year), then the one before the
    trigger (English puts the date after the verb less often than the subject, but a date phrase that
    opens the sentence usually frames the whole clause), then the earlier one. Rows without a resolved
    date are ignored. Returns ``(resolved_date, 'text')``, else ``(published_date, 'published')``,
    else ``(None, 'missing')``.
    """
    best_key = None
    best_date = None
    for row in sentence_date_rows:
        resolved = row.get("resolved_date")
        if resolved is None:
            continue
        start, end = row["char_start"], row["char_end"]
        distance = max(0, start - trigger_end, trigger_start - end)
        after_trigger = 1 if start >= trigger_end else 0
        key = (distance, _GRANULARITY_RANK.get(row.get("granularity"), len(_GRANULARITY_RANK)),
               after_trigger, start)
        if best_key is None or key < best_key:
            best_key, best_date = key, resolved
    if best_date is not None:
        return best_date, "text"
    if published_date is not None:
        return published_date, "published"
    return None, "missing"
