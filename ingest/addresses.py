"""Regular expressions for street addresses as people write them in many countries.

Three shapes cover most of them:

- number first, street type last: ``221B Baker Street``, ``12/48 Chapel St``,
  ``233 S Wacker Dr``, ``45 Teheran-ro 27-gil``, ``5th Cross``;
- street type first, number after or before: ``Rua das Palmeiras, 245``,
  ``Calle Durango 214``, ``ul. Długa 17/4``, ``17 Rue de Rivoli``;
- the street type glued to the name: ``Hauptstraße 5``, ``Kalverstraat 92``,
  or after it: ``Andrássy út 12``;

each followed by an optional tail of unit, district, city, state and postcode
(``, apto 31, Pinheiros, São Paulo - SP, 05422-000``). Japanese block
addresses (``2-14-7 Ebisu, Shibuya-ku``) have a pattern of their own.
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern, PatternRecognizer

_UPPER = "A-ZÀ-ÞĀ-Žƀ-ɏḀ-ỿ"  # capitals in Latin scripts, Vietnamese included
_WORD = r"[^\W\d_]+"
# A capitalised word, possibly hyphenated or abbreviated: São, Nguyễn, Sainte-Catherine, Col.
_CAP = rf"(?:[{_UPPER}](?:{_WORD})?(?:['’-]{_WORD})*\.?)"

SUFFIXES = (
    "Street|St|Avenue|Ave|Av|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Way|"
    "Parkway|Pkwy|Terrace|Ter|Circle|Cir|Square|Sq|Highway|Hwy|Crescent|Cres|Close|Row|Walk|"
    "Gardens|Gdns|Alley|Plaza|Trail|Mews|Hill|Green|Park|Grove|Rise|View|Vale|Parade|Pde|"
    "Esplanade|Quay|Wharf|Broadway|Cross|Main|Nagar|Marg|Layout|Colony|Sector|Salai|Chowk|"
    "Bagh|Vihar|Enclave|Estate"
)
# Korean road names: Teheran-ro, Sejong-daero, 27-gil
_KOREAN_ROAD = rf"(?:{_CAP}-(?:ro|daero|gil)(?:\s+\d{{1,3}}(?:beon-)?-?gil)?)"
PREFIXES = (
    "Calle|Carrera|Avenida|Av\\.|Avda\\.|Rua|Travessa|Alameda|Rue|Avenue|Boulevard|Bd|Chemin|"
    "Quai|Allée|Impasse|Via|Viale|Piazza|Corso|Largo|Ulica|ul\\.|Aleja|al\\.|Plac|pl\\.|"
    "Carrer|Paseo|Camino|Calzada|Straße|Strasse|Đường|Phố|Jalan|Jl\\.|Soi|Thanon|C/|Cl\\."
)
GLUED = (
    "straße|strasse|str\\.|weg|platz|allee|gasse|ring|damm|ufer|straat|gracht|laan|plein|"
    "kade|singel|vej|gade|gatan|vägen|gata|veien|katu|tie|utca|út"
)
# Street types written as a word after the name: Andrássy út, Nowy Świat is not one.
AFTER = "út|utca|tér|körút|ulice|cesta|gatve|iela|tänav|sokak|caddesi|bulvarı"
_PARTICLE = r"(?:de la|de las|de los|de l'|del|de|das|dos|da|do|du|des|della|di|van|von|der)"
_DIRECTION = r"(?:N|S|E|W|NE|NW|SE|SW|Nord|Sud|Norte|Sur|Ouest|Est)\.?"
_NUMBER = r"\d{1,5}[A-Za-z]?(?:[/-]\d{1,4}[A-Za-z]?)?"
_ORDINAL = r"\d{1,3}(?:st|nd|rd|th)"
_NAME_PART = rf"(?:{_CAP}|{_ORDINAL}|{_PARTICLE})"

POSTCODE = (
    r"(?:\d{5}-\d{3}"  # Brazil
    r"|\d{4}-\d{3}"  # Portugal
    r"|\d{5}(?:-\d{4})?"  # US ZIP, France, Germany, Mexico, Spain, Italy, Korea
    r"|\d{2}-\d{3}"  # Poland
    r"|\d{3}-\d{4}"  # Japan
    r"|[A-Z]\d[A-Z]\s?\d[A-Z]\d"  # Canada
    r"|[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}"  # UK
    r"|[A-Z]\d{2}\s?[A-Z0-9]{4}"  # Ireland
    r"|\d{4}\s?[A-Z]{2}"  # Netherlands
    r"|[A-Z]\d{4}(?:[A-Z]{3})?"  # Argentina
    r"|[A-Z]{2}-\d{3}-\d{4}"  # Ghana digital address
    r"|\d{3}\s?\d{3}"  # India
    r"|\d{4})"  # Australia, Belgium, Switzerland, Denmark
)
_UNIT_WORD = (
    r"(?:Apt|Apartment|Apto|Ap|Suite|Ste|Unit|Flat|Floor|Fl|Level|Piso|Depto|Dpto|Andar|Sala|"
    r"Room|Rm|Bureau|Étage|Lok|m|No|Nr|Block|Blk|Tower|Torre|Plot|Door|House|Tầng|Raum|#)"
)
_UNIT = (
    rf"(?:(?i:{_UNIT_WORD})(?![^\W\d_])\.?(?:\s*No\.?)?\s*#?[\w-]{{1,6}}(?:/[\w-]{{1,6}})?"
    # 3. OG, 2. Stock links, 3e étage: a German or French floor
    r"|\d{1,2}\.\s?(?:OG|UG|Stock|Etage)(?:\s(?:links|rechts|Mitte))?\b|\bEG\b"
    r"|\d{1,2}(?:e|er|ème)\s(?:étage|etage)"
    r"|(?:Hinterhaus|Vorderhaus|Seitenflügel|Bâtiment\s[A-Z0-9]|Conjunto\s\d{1,5})"
    r"|\d{1,3}F\b"  # 12F: a floor
    # 2º izq., 8º andar: a floor and door
    r"|\d{1,2}[º°ª]\s*(?:(?i:andar|piso|planta|izquierda|derecha|izq|izda|dcha|dcho|esq|dto|dr|der|centro)"
    r"|[A-Z])?"
    r"\.?)"
)
_PLACE = rf"(?:{_CAP}(?:\s(?:{_PARTICLE}\s)?{_CAP}){{0,3}}(?:\s\d{{1,2}}\b(?!\s*[-/]))?)"
# What may follow the street: units, districts, city, state, postcode, in the usual orders.
TAIL = (
    rf"(?:,?\s+{_UNIT})*"
    rf"(?:(?:,\s*|\s+-\s+)(?:{POSTCODE}\s+)?{_PLACE}(?:\s*\({_PLACE}\))?(?=[\s,.)]|$)"
    rf"(?:\s+-\s+[A-Z]{{2}})?){{0,4}}"
    rf"(?:,?\s+(?:[A-Z]{{2,4}}\s+)?{POSTCODE}\b)?(?:,?\s+[A-Z]{{2,4}}\b)?"
)
# Flat 4, / Level 12, / Tower B, 4th Floor, / Sai Krupa Apartments, / No. 14,
_BUILDING = (
    rf"(?:{_CAP}\s+){{1,3}}(?:Apartments|Residency|Towers?|Heights|Enclave|Complex|Building|"
    rf"House|Mansions?|Residences?|Court|Plaza|Centre|Center|Annex|Block|Park|Compound|Chambers|"
    rf"Arcade|Bhavan|Bhawan|Wing)"
)
# After the street type: a number (Jurong West St 41), a qualifier (Rathmines Road Lower),
# or the corner street (32nd St cor. 9th Ave).
_AFTER_TYPE = (
    r"(?:\s+\d{1,3}\b(?!\s*[-/]))?"
    r"(?:\s+(?:Lower|Upper|North|South|East|West|Extension|Ext\.|Central))?"
    rf"(?:\s+(?:cor\.|corner|&)\s+(?:{_NAME_PART}\s+){{0,3}}(?:{SUFFIXES})\b\.?)?"
)
_LEAD_PART = rf"(?:\b{_UNIT}|\b{_ORDINAL}\s+Floor|{_BUILDING}),?\s+"
_LEAD = rf"(?:{_LEAD_PART})*"

# (name, regular expression, score), turned into Presidio patterns by ``ingest.recognizers``.
ADDRESS_PATTERNS: tuple[tuple[str, str, float], ...] = (
    # 221B Baker Street, 12/48 Chapel St, Windsor VIC 3181; 233 S Wacker Dr; 5th Cross, Indiranagar
    (
        "number_street_suffix",
        rf"{_LEAD}(?:\b{_NUMBER},?\s+(?:{_DIRECTION}\s+)?(?:{_NAME_PART}\s+){{0,3}}"
        rf"|\b{_ORDINAL}\s+)"
        rf"(?:(?:{_NAME_PART}\s+)?(?:{SUFFIXES})\b\.?{_AFTER_TYPE}|{_KOREAN_ROAD})"
        rf"(?:\s+{_DIRECTION}(?!\w))?{TAIL}",
        0.7,
    ),
    # Plot 7, Adeola Odeku Street, Victoria Island; House No. 14, Oxford Street, Osu, Accra:
    # a plot, house or floor first stands for the number.
    (
        "lead_street_suffix",
        rf"(?:{_LEAD_PART})+(?:{_NAME_PART}\s+){{1,3}}(?:{SUFFIXES})\b\.?{_AFTER_TYPE}{TAIL}",
        0.65,
    ),
    # Mombasa Road, Plot 209/8871, Nairobi: the street first, its plot or unit after
    (
        "street_then_unit",
        rf"\b(?:{_NAME_PART}\s+){{1,3}}(?:{SUFFIXES})\b\.?,\s*{_UNIT}{TAIL}",
        0.6,
    ),
    # Meir 48 bus 3, 2000 Antwerpen; Keizersgracht 12, 1015 CS Amsterdam: a street name
    # and number followed by a postcode and town (or a Belgian box number)
    (
        "name_number_postcode",
        rf"\b{_CAP}(?:\s{_CAP}){{0,2}}\s+{_NUMBER}(?:\s+bus\s+\d{{1,4}})?"
        rf",\s*{POSTCODE}\s+{_PLACE}{TAIL}",
        0.6,
    ),
    # Số 54 Liễu Giai, Ba Đình, Hà Nội; 12 Nguyễn Huệ, Phường Bến Nghé, Quận 1
    (
        "vietnamese_address",
        rf"{_LEAD}(?:(?i:số)\s+{_NUMBER}\s+(?:(?i:ngõ|ngách|hẻm)\s+\d{{1,4}}\s+)?{_CAP}"
        rf"(?:\s+{_CAP}){{0,3}}"
        rf"|\b{_NUMBER}\s+{_CAP}(?:\s+{_CAP}){{0,3}}(?=,\s*(?:Phường|Quận|P\.|Q\.)))"
        rf"(?:,\s*(?:(?:Phường|Quận|P\.|Q\.|TP\.)\s*)?(?:{_CAP}|\d{{1,2}})(?:\s+{_CAP}){{0,3}}){{0,4}}",
        0.65,
    ),
    # 〒150-0043 東京都渋谷区道玄坂1-2-3; 서울특별시 강남구 테헤란로 152
    (
        "cjk_address",
        r"〒\s?\d{3}-\d{4}\s*[^\s,。]+(?:\s\d+F)?"
        r"|[가-힣]+(?:시|도)\s+[가-힣]+(?:구|군)\s+[가-힣0-9]+(?:로|길)\s*\d+(?:-\d+)?(?:,\s*\d+층)?",
        0.7,
    ),
    # 17 Rue de Rivoli, 75004 Paris
    (
        "number_prefix_street",
        rf"{_LEAD}\b{_NUMBER},?\s+(?i:{PREFIXES})\s+(?:{_PARTICLE}\s+)?{_CAP}"
        rf"(?:\s+(?:{_PARTICLE}\s+)?{_CAP}){{0,3}}{TAIL}",
        0.7,
    ),
    # Rua das Palmeiras, 245; Calle Durango 214; ul. Długa 17/4; Av. Insurgentes Sur 1602
    (
        "prefix_street_number",
        rf"{_LEAD}(?<!\w)(?:{PREFIXES})\s+(?:{_PARTICLE}\s+)?{_NAME_PART}"
        rf"(?:\s+{_NAME_PART}){{0,3}},?\s+(?:n[º°o]\.?\s*)?{_NUMBER}\b{TAIL}",
        0.7,
    ),
    # Hauptstraße 5, Kalverstraat 92, Andrássy út 12
    (
        "glued_street_number",
        rf"\b(?:{_CAP}\s)?[{_UPPER}][^\W\d_]*?(?:{GLUED}|\s(?:{AFTER}))\s+{_NUMBER}\b{TAIL}",
        0.7,
    ),
    # 2-14-7 Ebisu, Shibuya-ku, Tokyo 150-0013
    (
        "japanese_block",
        rf"\b\d{{1,2}}-\d{{1,2}}(?:-\d{{1,3}})?\s+{_CAP}(?:\s\d-chome)?"
        rf"(?:,\s*{_CAP}-(?:ku|shi|cho|machi|gun))?{TAIL}",
        0.65,
    ),
    # 27 Kingsway, 4 Southgate, Auckland 1010: English street names with the type glued on
    (
        "number_glued_english",
        rf"{_LEAD}\b{_NUMBER},?\s+[A-Z][a-z]+(?:way|gate|field)\b{TAIL}",
        0.6,
    ),
    # UK postcodes on their own: SW1A 1AA
    ("uk_postcode", r"\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b", 0.6),
)

_SENTENCE_STOP = re.compile(r"[.!?]+\s+(?=[A-Z])")
# St., Mt., Av., boul., Col., CDMX.: a word this short before a stop may be an abbreviation.
_SHORT_WORD_BEFORE = re.compile(r"(?:^|[^\w])[^\W\d_]{1,4}$")
_DIGIT = re.compile(r"\d")
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b\.?"
)
_DAYS = r"\d{1,2}(?:st|nd|rd|th)?(?:\s*[-–]\s*\d{1,2}(?:st|nd|rd|th)?)?"
# 17 September, 23-27 December, Jan 2, March 3rd-5th, 4 June 2026: dates, not addresses;
# but 12 May Street and 4 June Avenue are streets.
_DATES = re.compile(
    rf"\b(?:{_DAYS}\s+{_MONTH}|{_MONTH}\s+{_DAYS}\b)(?:,?\s+\d{{4}}\b)?(?!\s+(?:{SUFFIXES})\b)"
)


def without_trailing_sentence(span: str) -> str:
    """``span`` without a last sentence that runs on past the address with no number in it.

    The model and the patterns' tails sometimes carry an address on into the
    next sentence ("Hardturmstrasse 161, 8005 Zürich. VAT no. is"). A stop
    after a word of at most four letters is taken for an abbreviation inside
    the address ("25 St. James Street", "Av. Insurgentes Sur 1602"), never for
    the end of a sentence, so an address is never cut short there.
    """
    stops = [
        stop
        for stop in _SENTENCE_STOP.finditer(span)
        if not _SHORT_WORD_BEFORE.search(span, 0, stop.start())
    ]
    if stops and not _DIGIT.search(span, stops[-1].end()):
        return span[: stops[-1].start()]
    return span


def has_a_number_besides_dates(span: str) -> bool:
    """Whether ``span`` holds a digit outside its dates: an address does, "4-7 June" does not."""
    return _DIGIT.search(_DATES.sub(" ", span)) is not None


class AddressPatternRecognizer(PatternRecognizer):
    """ADDRESS spans from ``ADDRESS_PATTERNS``, each cut before a trailing sentence.

    A pattern's tail of city and district words can run on into the next
    sentence ("8005 Zürich. VAT"); see ``without_trailing_sentence``. A match
    whose only numbers are dates ("23-27 December") is dropped.
    """

    def __init__(self) -> None:
        super().__init__(
            "ADDRESS",
            patterns=[Pattern(name, regex, score) for name, regex, score in ADDRESS_PATTERNS],
            global_regex_flags=re.MULTILINE | re.DOTALL,
        )

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):  # type: ignore[no-untyped-def]
        """ADDRESS spans in ``text``."""
        if not _DIGIT.search(text):
            return []  # every span without a digit is dropped below: skip the patterns
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        for result in results:
            kept = without_trailing_sentence(text[result.start : result.end])
            result.end = result.start + len(kept)
        return [r for r in results if has_a_number_besides_dates(text[r.start : r.end])]
