"""Temporal expressions: a table of sentences, each with the expression it holds and the date it means.

Every expected date below was worked out by hand from a calendar; the weekday of each base date is
written next to it so the arithmetic can be checked by reading.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import importlib.resources

import dateparser
import pytest

from transforms.dates.resolve import (
    ABSOLUTE,
    ANCHORED,
    DAY,
    FUTURE,
    MONTH,
    PAST,
    RELATIVE,
    WEEK,
    YEAR,
    DateLexicon,
    TemporalTagger,
    date_precision,
    day_month_near,
    event_date_for,
)

THU = dt.date(2021, 10, 28)  # Thursday: the seed's publication date
SUN = dt.date(2021, 10, 31)  # Sunday
MON = dt.date(2021, 11, 1)  # Monday
NEW_YEAR_MON = dt.date(2022, 1, 3)  # Monday after New Year
NEW_YEAR_SAT = dt.date(2022, 1, 1)  # Saturday, New Year's Day
YEAR_END_THU = dt.date(2021, 12, 30)  # Thursday
LEAP_FRI = dt.date(2024, 3, 1)  # Friday after a leap day
LEAP_DAY = dt.date(2024, 2, 29)  # Thursday, a leap day


@pytest.fixture(scope="module")
def tagger() -> TemporalTagger:
    return TemporalTagger.from_lexicon()


# (sentence, publication date, expression as written, expected date, granularity)
CASES = [
    # --- weekdays around a Thursday
    ("Senior officials met for the second time on Wednesday in Tehran.", THU, "Wednesday", "2021-10-27", DAY),
    ("The ministers said on Thursday that talks would continue.", THU, "Thursday", "2021-10-28", DAY),
    ("The envoy will travel to Kabul on Thursday.", THU, "Thursday", "2021-10-28", DAY),
    ("The delegation will visit Islamabad on Monday.", THU, "Monday", "2021-11-01", DAY),
    ("Rebels attacked the convoy on Monday.", THU, "Monday", "2021-10-25", DAY),
    ("The foreign minister arrived last Tuesday.", THU, "last Tuesday", "2021-10-26", DAY),
    ("The minister met his counterpart last Thursday.", THU, "last Thursday", "2021-10-21", DAY),
    ("Talks are scheduled to resume next Thursday.", THU, "next Thursday", "2021-11-04", DAY),
    ("Leaders will meet next Monday.", THU, "next Monday", "2021-11-01", DAY),
    ("Protesters gathered on Saturday night.", THU, "Saturday night", "2021-10-23", DAY),
    ("Officials said Friday that the border was closed.", THU, "Friday", "2021-10-22", DAY),
    ("The summit is due to open on Friday.", THU, "Friday", "2021-10-29", DAY),
    ("The talks, which began on Monday, will continue on Friday.", THU, "Monday", "2021-10-25", DAY),
    ("The talks, which began on Monday, will continue on Friday.", THU, "Friday", "2021-10-29", DAY),
    ("On Friday, the minister will visit the border.", THU, "Friday", "2021-10-29", DAY),
    ("Border crossings reopened on Thursday morning.", THU, "Thursday morning", "2021-10-28", DAY),
    ("They'll sign the accord on Saturday.", THU, "Saturday", "2021-10-30", DAY),
    # --- Sunday/Monday boundaries (ISO weeks start on Monday)
    ("The army said on Monday that it had withdrawn.", SUN, "Monday", "2021-10-25", DAY),
    ("Voting took place on Sunday.", SUN, "Sunday", "2021-10-31", DAY),
    ("The parliament will convene on Monday.", SUN, "Monday", "2021-11-01", DAY),
    ("The president spoke last Sunday.", SUN, "last Sunday", "2021-10-24", DAY),
    ("Fighting intensified last week.", SUN, "last week", "2021-10-18", WEEK),
    ("Aid convoys arrived this week.", SUN, "this week", "2021-10-25", WEEK),
    ("The talks collapsed on Sunday.", MON, "Sunday", "2021-10-31", DAY),
    ("The ceasefire was announced on Friday.", MON, "Friday", "2021-10-29", DAY),
    ("Inspectors will arrive on Wednesday.", MON, "Wednesday", "2021-11-03", DAY),
    ("Shops closed last week.", MON, "last week", "2021-10-25", WEEK),
    ("Elections will be held next week.", MON, "next week", "2021-11-08", WEEK),
    ("The minister resigned on Monday.", MON, "Monday", "2021-11-01", DAY),
    # --- year boundaries
    ("The blast occurred on Friday.", NEW_YEAR_MON, "Friday", "2021-12-31", DAY),
    ("Troops crossed the border on December 30.", NEW_YEAR_MON, "December 30", "2021-12-30", DAY),
    ("The agreement was signed last month.", NEW_YEAR_MON, "last month", "2021-12-01", MONTH),
    ("The economy shrank last year.", NEW_YEAR_MON, "last year", "2021-01-01", YEAR),
    ("Fighting resumed last week.", NEW_YEAR_MON, "last week", "2021-12-27", WEEK),
    ("The talks were held in December.", NEW_YEAR_MON, "December", "2021-12-01", MONTH),
    ("The treaty will take effect in March.", NEW_YEAR_MON, "March", "2022-03-01", MONTH),
    ("The envoy arrived yesterday.", NEW_YEAR_MON, "yesterday", "2022-01-02", DAY),
    ("The rebels seized the town two weeks ago.", NEW_YEAR_MON, "two weeks ago", "2021-12-20", WEEK),
    ("The mission will end on January 3.", YEAR_END_THU, "January 3", "2022-01-03", DAY),
    ("Voters will go to the polls next year.", YEAR_END_THU, "next year", "2022-01-01", YEAR),
    ("Shelling continued on Friday night.", NEW_YEAR_SAT, "Friday night", "2021-12-31", DAY),
    ("Fireworks lit up the capital last night.", NEW_YEAR_SAT, "last night", "2021-12-31", DAY),
    # --- leap days
    ("The convoy was attacked yesterday.", LEAP_FRI, "yesterday", "2024-02-29", DAY),
    ("The minister resigned two days ago.", LEAP_FRI, "two days ago", "2024-02-28", DAY),
    ("The vote took place on Thursday.", LEAP_FRI, "Thursday", "2024-02-29", DAY),
    ("The law was passed on February 29.", THU, "February 29", "2020-02-29", DAY),
    ("The deal was signed on February 29.", LEAP_DAY, "February 29", "2024-02-29", DAY),
    ("The court ruled on 29 February 2024.", LEAP_FRI, "29 February 2024", "2024-02-29", DAY),
    ("The sanctions were imposed a year ago.", LEAP_DAY, "a year ago", "2023-01-01", YEAR),
    ("Talks were held last week.", LEAP_DAY, "last week", "2024-02-19", WEEK),
    # --- absolute dates, months and years
    ("The accord was signed on 3 March 2021.", THU, "3 March 2021", "2021-03-03", DAY),
    ("Talks began on March 3, 2021, in Doha.", THU, "March 3, 2021", "2021-03-03", DAY),
    ("The report was released on 2021-03-03.", THU, "2021-03-03", "2021-03-03", DAY),
    ("The ministers met on Oct. 27 in Tehran.", THU, "Oct. 27", "2021-10-27", DAY),
    ("The embassy closed on March 3.", THU, "March 3", "2021-03-03", DAY),
    ("The embassy will reopen on March 3.", THU, "March 3", "2022-03-03", DAY),
    ("The council met on the 5th of October.", THU, "the 5th of October", "2021-10-05", DAY),
    ("The rally was held on Nov. 2nd.", THU, "Nov. 2nd", "2020-11-02", DAY),
    ("Elections were held in November 2020.", THU, "November 2020", "2020-11-01", MONTH),
    ("The fighting has continued since 2019.", THU, "2019", "2019-01-01", YEAR),
    ("The pipeline is to be completed by 2030.", THU, "2030", "2030-01-01", YEAR),
    ("Prices rose sharply in mid-2020.", THU, "mid-2020", "2020-01-01", YEAR),
    ("Refugees began arriving in early March.", THU, "early March", "2021-03-01", MONTH),
    ("The protests started last March.", THU, "last March", "2021-03-01", MONTH),
    ("The ministers met last October.", THU, "last October", "2020-10-01", MONTH),
    ("A new round is planned for next May.", THU, "next May", "2022-05-01", MONTH),
    ("Parliament has been in session since October.", THU, "October", "2021-10-01", MONTH),
    ("He may march in May.", THU, "May", "2021-05-01", MONTH),
    ("The meeting on Tuesday, October 26, ended without agreement.", THU, "Tuesday, October 26",
     "2021-10-26", DAY),
    ("Negotiators met on Wednesday, 27 October 2021.", THU, "Wednesday, 27 October 2021", "2021-10-27", DAY),
    ("The charter was adopted in the year 1945.", THU, "1945", "1945-01-01", YEAR),
    ("He served as envoy from 1999 to 2004.", THU, "2004", "2004-01-01", YEAR),
    ("The meeting is set for Dec. 3.", THU, "Dec. 3", "2021-12-03", DAY),
    # --- relative expressions
    ("The foreign ministers met yesterday.", THU, "yesterday", "2021-10-27", DAY),
    ("Fighting broke out two days ago.", THU, "two days ago", "2021-10-26", DAY),
    ("The attack happened a week ago.", THU, "a week ago", "2021-10-18", WEEK),
    ("Aid deliveries resumed earlier this month.", THU, "earlier this month", "2021-10-01", MONTH),
    ("Exports will rise later this year.", THU, "later this year", "2021-01-01", YEAR),
    ("The troops left three years ago.", THU, "three years ago", "2018-01-01", YEAR),
    ("The mission will end in two days.", THU, "in two days", "2021-10-30", DAY),
    ("The war began two decades ago.", THU, "two decades ago", "2001-01-01", YEAR),
    ("The government fell last month.", THU, "last month", "2021-09-01", MONTH),
    ("The talks will continue next month.", THU, "next month", "2021-11-01", MONTH),
    ("The army will withdraw in three weeks' time.", THU, "in three weeks' time", "2021-11-15", WEEK),
    ("Rockets struck the city the day before yesterday.", THU, "the day before yesterday", "2021-10-26", DAY),
    ("The minister will fly to Moscow tomorrow.", THU, "tomorrow", "2021-10-29", DAY),
    ("A decision is expected this weekend.", THU, "this weekend", "2021-10-25", WEEK),
    ("Fighting resumed last weekend.", THU, "last weekend", "2021-10-18", WEEK),
    ("The president said today that the border would stay shut.", THU, "today", "2021-10-28", DAY),
    ("The town fell a couple of days ago.", THU, "a couple of days ago", "2021-10-26", DAY),
    ("Mr. Ahmadi, who was elected in 2018, will visit on Monday.", THU, "2018", "2018-01-01", YEAR),
    ("Mr. Ahmadi, who was elected in 2018, will visit on Monday.", THU, "Monday", "2021-11-01", DAY),
    # --- the verb on the left of the expression governs it; scheduled events in the present tense
    ("The festival closes on Saturday with a gala screening.", THU, "Saturday", "2021-10-30", DAY),
    ("The games, which run until Sunday, drew large crowds.", THU, "Sunday", "2021-10-31", DAY),
    ("Forecasters said the rain would continue until at least Saturday and warned of floods.", THU,
     "Saturday", "2021-10-30", DAY),
    ("The envoy met the president in the capital on Tuesday to discuss plans for a vote.", THU, "Tuesday",
     "2021-10-26", DAY),
    ("The mediator is due to host envoys from both capitals on Friday.", THU, "Friday", "2021-10-29", DAY),
    # --- "plans" as a noun is no future cue
    ("The government shelved plans to hold a referendum on May 9.", THU, "May 9", "2021-05-09", DAY),
    ("The council discussed its plans on Monday.", THU, "Monday", "2021-10-25", DAY),
    # --- a past verb of intent or appeal, then an infinitive: what follows the infinitive is ahead
    ("The opposition urged its members to march on the capital on Sunday.", THU, "Sunday", "2021-10-31",
     DAY),
    ("The ministry pledged on Monday to deliver the vaccines by December.", THU, "Monday", "2021-10-25", DAY),
    ("The ministry pledged on Monday to deliver the vaccines by December.", THU, "December", "2021-12-01",
     MONTH),
    ("The army agreed to the truce on Monday.", THU, "Monday", "2021-10-25", DAY),
    ("The union called on workers in every port of the country to strike on Saturday.", THU, "Saturday",
     "2021-10-30", DAY),
    # --- a month with the year it falls in, a possessive month
    ("Prices peaked in May this year.", THU, "May this year", "2021-05-01", MONTH),
    ("The law changed in August last year.", THU, "August last year", "2020-08-01", MONTH),
    ("Elections are due in early March next year.", THU, "early March next year", "2022-03-01", MONTH),
    ("Relief flowed after February's floods.", THU, "February", "2021-02-01", MONTH),
    ("After May's vote, the coalition collapsed.", THU, "May", "2021-05-01", MONTH),
    # --- anchored on a day named before it in the same sentence (else the publication day)
    ("The army withdrew on Wednesday, a day after the ceasefire took hold.", THU, "a day after",
     "2021-10-26", DAY),
    ("Rebels shelled the town on Monday and hours later seized the bridge.", THU, "hours later",
     "2021-10-25", DAY),
    ("The talks opened on Sunday, and two days later they collapsed.", THU, "two days later", "2021-10-26",
     DAY),
    ("The army denied the report later that day.", THU, "later that day", "2021-10-28", DAY),
]

RELATIVE_KINDS = {"weekday", "deictic", "ago", "in_count", "period", "month_of_year"}


def test_the_table_is_big_enough():
    assert len(CASES) >= 60


@pytest.mark.parametrize(("sentence", "base", "written", "expected", "granularity"), CASES,
                         ids=[f"{c[2]}@{c[1]}" for c in CASES])
def test_expression_resolves(tagger, sentence, base, written, expected, granularity):
    mentions = {m.text: m for m in tagger.find(sentence, base)}
    assert written in mentions, f"{written!r} not found in {sentence!r}; found {list(mentions)}"
    mention = mentions[written]
    assert mention.resolved_date == dt.date.fromisoformat(expected)
    assert mention.granularity == granularity
    assert sentence[mention.start:mention.end] == written
    expected_resolution = ANCHORED if mention.kind == "anchored" else (
        RELATIVE if mention.kind in RELATIVE_KINDS else ABSOLUTE)
    assert mention.resolution == expected_resolution


NON_DATES = [
    "Iran may respond to the sanctions within days.",
    "May I ask one more question, the reporter said.",
    "Thousands joined the march through Kabul.",
    "The March on the capital drew thousands.",
    "Protesters will March to the palace.",
    "The two-decade war in Afghanistan ended.",
    "Section 2021 of the code applies to all members.",
    "The candidate received 2021 votes.",
    "Good Friday negotiators gathered in Belfast.",
    "According to the Sunday Times, the talks failed.",
    "Soldiers were deployed in 1500 villages.",
    "The Long March 5 rocket lifted off.",
    "Resolution 2254 calls for elections.",
    "The convoy travelled 2,021 kilometres in the dec.",
    "They may meet again, the spokesman said.",
    "The rally drew crowds in the 1990s.",
    "The decree of February 29, 2021 was void.",  # 2021 had no February 29
    "The museum opened its Marco Polo wing.",
    "The council meets every Friday.",
    "Officials counted 1999 and 2004 ballots.",
    "Prime Minister Theresa May's cabinet met.",
    "The rebels held the town for several hours before withdrawing.",
    "Fighting raged for two days after the talks failed.",
]


@pytest.mark.parametrize("sentence", NON_DATES)
def test_non_dates_are_not_taken(tagger, sentence):
    resolved = [m.text for m in tagger.find(sentence, THU) if m.resolved_date is not None]
    assert resolved == []


def test_the_seed_sentence_resolves_to_the_day_before_publication(tagger):
    sentence = ("Senior officials from Afghanistan’s six surrounding nations and Russia met for the second "
                "time on Wednesday in the Iranian capital of Tehran, both digitally and in person, in an "
                "effort to further coordinate their views.")
    [mention] = tagger.find(sentence, dt.date(2021, 10, 28))
    assert (mention.text, mention.resolved_date, mention.resolution) == (
        "Wednesday", dt.date(2021, 10, 27), RELATIVE)


def test_without_a_publication_date_only_self_contained_dates_resolve(tagger):
    sentence = "The accord of 3 March 2021 was extended on Monday, in May and since 2019."
    found = {m.text: m.resolved_date for m in tagger.find(sentence, None)}
    assert found == {"3 March 2021": dt.date(2021, 3, 3), "Monday": None, "May": None,
                     "2019": dt.date(2019, 1, 1)}


def test_the_longest_expression_wins_and_expressions_do_not_overlap(tagger):
    sentence = "Talks on Tuesday, March 3, 2020 and on 2020-03-04 ended."
    texts = [m.text for m in tagger.find(sentence, THU)]
    assert texts == ["Tuesday, March 3, 2020", "2020-03-04"]


def test_in_a_past_clause_a_count_of_years_is_a_duration_not_a_date(tagger):
    assert tagger.find("The army doubled in two years.", THU) == []
    [mention] = tagger.find("The army will leave in two years.", THU)
    assert mention.resolved_date == dt.date(2023, 1, 1)


def test_dateparser_runs_once_per_expression_and_day(tagger):
    fresh = TemporalTagger.from_lexicon()
    sentence = "The rally was held on March 3, a week ago, and the day before yesterday."
    first = fresh.find(sentence, THU)
    calls = fresh.dateparser_calls
    assert calls == 2  # "a week ago" and "the day before yesterday"; "March 3" is arithmetic
    assert fresh.find(sentence, THU) == first
    assert fresh.dateparser_calls == calls
    assert fresh.cache_hits == 2
    fresh.find(sentence, MON)
    assert fresh.dateparser_calls == 2 * calls


def test_a_timestamp_base_counts_as_its_calendar_day(tagger):
    [mention] = tagger.find("They met on Wednesday.", dt.datetime(2021, 10, 28, 23, 59))
    assert mention.resolved_date == dt.date(2021, 10, 27)
    assert type(mention.resolved_date) is dt.date


def test_a_sentence_of_only_a_date_is_found(tagger):
    assert [m.resolved_date for m in tagger.find("2021-03-03", None)] == [dt.date(2021, 3, 3)]


def test_a_sentence_without_date_words_has_no_candidates(tagger):
    assert tagger.candidates("Ministers from six countries discussed security and trade.") == []


def test_a_lexicon_missing_a_section_names_it():
    with pytest.raises(ValueError, match="weekdays"):
        DateLexicon.load("months: {January: 1}\n")


def test_a_lexicon_with_a_bad_direction_names_it():
    packaged = importlib.resources.files("transforms").joinpath("lexicons", "dates", "en.yaml").read_text()
    with pytest.raises(ValueError, match="sideways"):
        DateLexicon.load(packaged.replace("  next: future", "  next: sideways"))


# --- event_date_for -------------------------------------------------------------------------------------

def _row(start: int, end: int, day: str | None, granularity: str = DAY) -> dict:
    return {"char_start": start, "char_end": end, "granularity": granularity,
            "resolved_date": dt.date.fromisoformat(day) if day else None}


def test_event_takes_the_nearest_expression_in_its_sentence():
    rows = [_row(0, 7, "2021-10-01", MONTH), _row(40, 49, "2021-10-27")]
    assert event_date_for(30, 33, rows, THU) == (dt.date(2021, 10, 27), "text")
    assert event_date_for(9, 12, rows, THU) == (dt.date(2021, 10, 1), "text")


def test_equally_near_the_finer_expression_wins():
    rows = [_row(20, 24, "2021-01-01", YEAR), _row(30, 39, "2021-10-27")]
    assert event_date_for(25, 29, rows, THU) == (dt.date(2021, 10, 27), "text")


def test_equally_near_and_equally_fine_the_one_before_the_trigger_wins():
    rows = [_row(30, 39, "2021-10-29"), _row(10, 19, "2021-10-27")]
    assert event_date_for(20, 29, rows, THU) == (dt.date(2021, 10, 27), "text")


def test_an_overlapping_expression_is_nearest():
    rows = [_row(0, 5, "2021-10-01", MONTH), _row(10, 20, "2021-10-26")]
    assert event_date_for(12, 15, rows, THU) == (dt.date(2021, 10, 26), "text")


def test_without_expressions_the_event_takes_the_publication_date_or_none():
    assert event_date_for(3, 8, [], THU) == (THU, "published")
    assert event_date_for(3, 8, [_row(0, 2, None)], THU) == (THU, "published")
    assert event_date_for(3, 8, [], None) == (None, "missing")


AGREEMENT_BASES = [THU, SUN, NEW_YEAR_SAT, dt.date(2021, 12, 31), dt.date(2020, 2, 29), dt.date(2024, 3, 1),
                   dt.date(2023, 2, 28), dt.date(2019, 6, 15)]


@pytest.mark.parametrize("base", AGREEMENT_BASES, ids=str)
def test_day_month_arithmetic_agrees_with_dateparser(base):
    """day_month_near replaces dateparser for "March 3" (the commonest expression) only because it gives
    the same date: every month, a spread of days (February 29 included) and both directions."""
    for month, name in enumerate(calendar.month_name[1:], start=1):
        for day in (1, 15, 28, 29, 30, 31):
            for direction in (PAST, FUTURE):
                if (month, day) == (base.month, base.day):
                    continue  # the publication day itself: our rule, not dateparser's (tested above)
                parsed = dateparser.parse(f"{name} {day}", languages=["en"], settings={
                    "RELATIVE_BASE": dt.datetime(base.year, base.month, base.day),
                    "PREFER_DATES_FROM": direction, "RETURN_AS_TIMEZONE_AWARE": False})
                expected = parsed.date() if parsed and (parsed.month, parsed.day) == (month, day) else None
                assert day_month_near(month, day, base, direction) == expected, (name, day, direction)


def test_a_lexicon_with_an_unquoted_yaml_word_names_it():
    packaged = importlib.resources.files("transforms").joinpath("lexicons", "dates", "en.yaml").read_text()
    with pytest.raises(ValueError, match="quote"):
        DateLexicon.load(packaged.replace('"no"', "no"))


def test_a_lexicon_with_a_fractional_anchored_distance_names_it():
    packaged = importlib.resources.files("transforms").joinpath("lexicons", "dates", "en.yaml").read_text()
    with pytest.raises(ValueError, match="whole numbers"):
        DateLexicon.load(packaged.replace("  the next day: 1", "  the next day: 1.5"))


# --- anchored expressions across an article's sentences ---------------------------------------------------

class _Sentence:
    def __init__(self, text: str):
        self.text = text


def _anchored(tagger, sentences: list[str], base: dt.date | None = THU) -> list[tuple[str, str | None]]:
    found = tagger.find_in_sentences([_Sentence(text) for text in sentences], base)
    return [(m.text, m.resolved_date.isoformat() if m.resolved_date else None) for _, m in found]


ANCHORED_CASES = [
    # (sentences, expected (text, date) in order); THU = 2021-10-28, a Thursday
    (["Rebels attacked the base on Monday.", "The next day, the army retook it."],
     [("Monday", "2021-10-25"), ("The next day", "2021-10-26")]),
    (["Troops crossed the river on Tuesday.", "The governor resigned.", "Hours later, the bridge collapsed."],
     [("Tuesday", "2021-10-26"), ("Hours later", "2021-10-26")]),
    (["Talks opened on Sunday.", "By evening, both sides had walked out."],
     [("Sunday", "2021-10-24"), ("By evening", "2021-10-24")]),
    (["A truck bomb exploded on Monday.", "Hours earlier, gunmen had stormed a checkpoint."],
     [("Monday", "2021-10-25"), ("Hours earlier", "2021-10-25")]),
    (["The vote was held on Sunday.", "Two days after the vote, the president resigned."],
     [("Sunday", "2021-10-24"), ("Two days after", "2021-10-26")]),
    (["The envoy arrived on Tuesday.", "A day earlier, the border had reopened."],
     [("Tuesday", "2021-10-26"), ("A day earlier", "2021-10-25")]),
    (["Police raided the offices on Monday.", "The following day, the editor fled.",
      "The next day, he was arrested."],
     [("Monday", "2021-10-25"), ("The following day", "2021-10-26"), ("The next day", "2021-10-27")]),
    # a coarser date is no anchor: "last month" is skipped for the day before it
    (["Fighting began on Monday.", "The truce signed last month had collapsed.",
      "The next day, aid stopped."],
     [("Monday", "2021-10-25"), ("last month", "2021-09-01"), ("The next day", "2021-10-26")]),
    # no day named before: the publication day
    (["Hours later, the minister resigned."], [("Hours later", "2021-10-28")]),
    # a day named later in the text is no anchor
    (["The previous day, the talks stalled.", "Troops left on Monday."],
     [("The previous day", "2021-10-27"), ("Monday", "2021-10-25")]),
]


@pytest.mark.parametrize(("sentences", "expected"), ANCHORED_CASES, ids=[c[1][-1][0] for c in ANCHORED_CASES])
def test_anchored_expressions_count_from_the_last_day_named_before_them(tagger, sentences, expected):
    assert _anchored(tagger, sentences) == expected


def test_anchored_expressions_are_days_marked_anchored(tagger):
    found = tagger.find_in_sentences([_Sentence("Protests erupted on Friday."),
                                      _Sentence("Later that day, police fired tear gas.")], THU)
    anchored = found[-1][1]
    assert (anchored.text, anchored.granularity, anchored.resolution) == ("Later that day", DAY, ANCHORED)


def test_without_a_publication_date_or_an_earlier_day_an_anchored_expression_is_unresolved(tagger):
    assert _anchored(tagger, ["The next day, the army withdrew."], None) == [("The next day", None)]
    assert _anchored(tagger, ["Talks ended on 3 March 2021.", "The next day, the army withdrew."], None) == [
        ("3 March 2021", "2021-03-03"), ("The next day", "2021-03-04")]


def test_the_day_before_yesterday_stays_a_deictic_expression(tagger):
    [mention] = tagger.find("Rockets struck the city the day before yesterday.", THU)
    assert (mention.text, mention.resolution) == ("the day before yesterday", RELATIVE)


# --- date_precision ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("granularity", "expected"), [(DAY, "day"), (WEEK, "week"), (MONTH, "month"),
                                                       (YEAR, "year")])
def test_date_precision_reads_the_granularity_of_a_dates_row(granularity, expected):
    assert date_precision({"resolved_date": dt.date(2021, 10, 1), "granularity": granularity}) == expected


def test_date_precision_of_found_expressions(tagger):
    sentence = "Troops arrived on Monday, earlier this month, last week and in 2019."
    found = {m.text: date_precision(dataclasses.asdict(m)) for m in tagger.find(sentence, THU)}
    assert found == {"Monday": "day", "earlier this month": "month", "last week": "week", "2019": "year"}


def test_date_precision_refuses_a_row_without_a_granularity():
    with pytest.raises(ValueError, match="granularity"):
        date_precision({"resolved_date": dt.date(2021, 10, 1)})


# Found under attack (issue 14): an item dated 0001-01-01 or 9999-12-31 saying "on Tuesday" or "next week"
# raised OverflowError here and failed the whole run, every run.
EDGE_SENTENCES = ["They met on Tuesday.", "They will meet next week.", "It happened yesterday.",
                  "Talks resume in two days.", "They met two years ago.", "They met last year.",
                  "Talks were held in May this year.", "They will meet on March 3.", "They met in March.",
                  "The next day they left.", "Two days later they left."]


@pytest.mark.parametrize("base", [dt.date.min, dt.date(1, 1, 7), dt.date(9999, 12, 25), dt.date.max],
                         ids=str)
@pytest.mark.parametrize("sentence", EDGE_SENTENCES)
def test_a_publication_date_at_the_ends_of_the_calendar_resolves_nothing_and_never_raises(tagger, base,
                                                                                            sentence):
    mentions = tagger.find(sentence, base)
    assert mentions and all(mention.resolved_date is None for mention in mentions)


def test_an_anchor_at_the_ends_of_the_calendar_is_no_anchor(tagger):
    [mention] = tagger.find("The next day they left.", THU, anchor=dt.date.max)
    assert mention.resolved_date == THU + dt.timedelta(days=1)  # falls back to the publication date


def test_a_result_outside_the_years_news_can_mean_is_unresolved(tagger):
    [mention] = tagger.find("They met 999 years ago.", THU)
    assert mention.resolved_date is None
    assert [m.resolved_date for m in tagger.find("They met 20 years ago.", THU)] == [dt.date(2001, 1, 1)]


def test_a_dated_expression_still_resolves_with_an_unusable_publication_date(tagger):
    found = tagger.find_in_sentences(
        [_Sentence("They met on 3 March 2021."), _Sentence("The next day they left.")],
        dt.date.max)
    assert [mention.resolved_date for _, mention in found] == [dt.date(2021, 3, 3), dt.date(2021, 3, 4)]
