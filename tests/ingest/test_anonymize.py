import pytest

from core.errors import ConfigError
from ingest.anonymize import Anonymizer, AnonymizerConfig
from ingest.recognizers import build_recognizers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a full name
        ("Talk to Maria Gonzalez before Friday.", "Talk to <PERSON> before Friday."),
        # a first name alone, after a cue
        ("can someone ask Kemi about the rota?", "can someone ask <PERSON> about the rota?"),
        # a surname with a title
        ("Mr. Okafor signed it.", "<PERSON> signed it."),
        # a Korean given name
        ("Sung-min moved teams.", "<PERSON> moved teams."),
        # emails, including internal hosts
        ("mail K.ABERNATHY@CORP.EXAMPLE now", "mail <EMAIL> now"),
        # phones in several formats
        ("call (212) 555-0199 ext. 4471 or +44 20 7946 0958", "call <PHONE> or <PHONE>"),
        # Brazilian, Indian and Mexican local formats
        ("ligue (11) 4555-7821 ou 98200 45617", "ligue <PHONE> ou <PHONE>"),
        ("oficina 55 5555 0134, casa 098450 12345", "oficina <PHONE>, casa <PHONE>"),
        # nine-digit mobiles with no prefix (Poland, Spain), and an extension on its own
        ("text me 604 218 377 or 677 21 48 90", "text me <PHONE> or <PHONE>"),
        ("payroll goes to Olga (ext. 3316)", "payroll goes to <PERSON> (<PHONE>)"),
        # a Portuguese or Peruvian mobile starts with 9
        ("liga-me 912 876 543", "liga-me <PHONE>"),
        # a trunk prefix, then three digits and two pairs (Turkey, Sweden)
        ("ring 0532 418 27 90 or 070-123 45 67", "ring <PHONE> or <PHONE>"),
        # a Polish landline, with or without its area code in brackets, and a Norwegian mobile
        ("tel. 22 629 14 05, mobil 412 55 390", "tel. <PHONE>, mobil <PHONE>"),
        ("call (22) 629 14 05", "call <PHONE>"),
        # names that are also places stay names
        ("Juan Díaz approved my leave.", "<PERSON> approved my leave."),
        (
            "Mendoza and Castro were both on the call.",
            "<PERSON> and <PERSON> were both on the call.",
        ),
        # a name followed by a time or a score is still a name
        ("Call Piotr 14.30 tomorrow", "Call <PERSON> 14.30 tomorrow"),
        ("Priya Sharma 4.5/5 in the review", "<PERSON> 4.5/5 in the review"),
        # employee ids in the configured formats
        ("my id is EMP-004512, badge B1234567", "my id is <EMPLOYEE_ID>, badge <EMPLOYEE_ID>"),
        # chat handles, but not Slack's broadcasts
        ("ping @maria.g and @here", "ping <HANDLE> and @here"),
        ("thanks @joão.pereira!", "thanks <HANDLE>!"),
        # a spelled-out email after the name it belongs to
        ("scans to Tunde at tunde dot ade at corp dot example", "scans to <PERSON> at <EMAIL>"),
        # URLs with and without a scheme
        ("see https://wiki.corp.example/x?y=1 and www.corp.example/faq.", "see <URL> and <URL>."),
        # IP addresses, with their port
        ("ssh to 10.12.4.77", "ssh to <IP>"),
        ("scrape 10.42.7.19:9100 and [2001:db8::1f]:443", "scrape <IP> and <IP>"),
        # intranet short links and an address with a path
        ("read go/rto-faq or 10.40.12.9:3000/health", "read <URL> or <URL>"),
        # a name with a glued prefix, and one with two particles
        ("Ahmed al-Rashid and Sofía de la Cruz agreed", "<PERSON> and <PERSON> agreed"),
        # a Portuguese compound surname joined by "e"
        ("Beijos, Fernanda Costa e Silva", "Beijos, <PERSON>"),
        # a label set off by a spaced dash is not part of the name after it
        (
            "Gold - Ayşe Yılmaz, Bronze - Hina Qureshi. Well done!",
            "Gold - <PERSON>, Bronze - <PERSON>. Well done!",
        ),
        # a job title before a name stays
        ("ngl the new VP Ray said it", "ngl the new VP <PERSON> said it"),
        # street addresses
        (
            "drop it at 45 Elm St. Apt 3, Springfield, IL 62704 please",
            "drop it at <ADDRESS> please",
        ),
        # an address ends where a sentence without a number starts
        (
            "post it to Hardturmstrasse 161, 8005 Zürich. VAT is on us.",
            "post it to <ADDRESS>. VAT is on us.",
        ),
        # an abbreviation inside an address is no sentence end
        ("Send it to 25 St. James Street, London please.", "Send it to <ADDRESS> please."),
        # a street named after a month is a street, not a date
        ("She lives at 12 May Street, Hobart now.", "She lives at <ADDRESS> now."),
    ],
)
def test_replaces_each_kind_of_pii_with_its_placeholder(anonymizer, text, expected) -> None:
    assert anonymizer.redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "GPT-4o beats Llama 3 on our evals, Claude is close.",  # model names
        "Ticket JIRA-4821 is blocked on v2.3.1 of the SDK.",  # ticket ids and versions
        "L6 and E5 engineers meet in Room 4B on 2026-03-02.",  # levels, rooms, dates
        "The SRE and ML-Ops teams merge in Q3 FY25.",  # acronyms and quarters
        "We may get a grace period, will mark the date.",  # name-like common words
        "Teramind and ActivTrak both log keystrokes.",  # monitoring products
        "Email them about it.",  # a capitalised everyday word
        "Commute from Praga is 70 min; the Davao site too.",  # places the NER takes for people
        "just WhatsApp the group chat",  # a camel-case product name
        "@all standup moved to 10:30",  # Slack's broadcast to everyone
        "Retro is in the Ada Lovelace room on Tues/Thu.",  # rooms named after people, weekdays
        "Budget is 450 000 000 won for 2027.",  # big numbers are not phones
        "Our teams in São Paulo and in Da Nang are growing.",  # places after "in"
        "Our new hires are all in São Paulo",  # a place after "in" that ends the post
        "Atlas v2 and Jasper v3.1 ship in March.",  # products with their versions
        "The offsite runs 23-27 December, then Computex on 4-7 June.",  # dates, not addresses
    ],
)
def test_leaves_lookalikes_alone(anonymizer, text) -> None:
    assert anonymizer.redact(text) == text


def test_redact_many_keeps_order(anonymizer) -> None:
    assert anonymizer.redact_many(["ping @dkim", "nothing here", "ssh 10.0.0.1"]) == [
        "ping <HANDLE>",
        "nothing here",
        "ssh <IP>",
    ]


def test_configured_employee_id_formats_are_used() -> None:
    anonymizer = Anonymizer(AnonymizerConfig(employee_id_patterns=(r"\bXY\d{4}\b",)))
    assert anonymizer.redact("badge XY1234") == "badge <EMPLOYEE_ID>"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my employee id 4471203 is wrong", "my employee id <EMPLOYEE_ID> is wrong"),
        ("Staff No: QA-22817.", "Staff No: <EMPLOYEE_ID>."),
        ("emp id is 3380917", "emp id is <EMPLOYEE_ID>"),
        ("Staff number 4471-22 is showing", "Staff number <EMPLOYEE_ID> is showing"),  # a suffix
        ("his badge is B-20931.", "his badge is <EMPLOYEE_ID>."),  # badge with no "id"
        ("Mine (badge 71003) got reset", "Mine (badge <EMPLOYEE_ID>) got reset"),
        ("my id is E1234567 if helpdesk asks", "my id is <EMPLOYEE_ID> if helpdesk asks"),
        ("Personalnummer 004417.", "Personalnummer <EMPLOYEE_ID>."),  # German label
        (
            "Can someone fix? staff id 77-40218",
            "Can someone fix? staff id <EMPLOYEE_ID>",
        ),  # 2 digits
        ("the badge reader on floor 3 is down", "the badge reader on floor 3 is down"),  # no id
    ],
)
def test_an_id_labeled_as_an_employee_id_is_removed_whatever_its_format(
    text: str, expected: str
) -> None:
    anonymizer = Anonymizer(AnonymizerConfig(employee_id_patterns=()))
    assert anonymizer.redact(text) == expected


def test_allow_list_keeps_configured_words() -> None:
    anonymizer = Anonymizer(AnonymizerConfig(allow_list=("Maria Gonzalez",)))
    assert anonymizer.redact("Maria Gonzalez is our bot.") == "Maria Gonzalez is our bot."


def test_an_invalid_employee_id_pattern_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"employee_id_patterns\[0\] is not a valid regular"):
        build_recognizers(["EMPLOYEE_ID"], ["(unclosed"])


def test_an_unknown_entity_type_lists_the_valid_ones() -> None:
    with pytest.raises(ConfigError, match="PII entity 'SSN' is unknown; choose from PERSON"):
        build_recognizers(["SSN"], [])


def test_a_missing_spacy_pipeline_fails_clearly_without_downloading() -> None:
    anonymizer = Anonymizer(AnonymizerConfig(spacy_model="/nonexistent/pipeline"))
    with pytest.raises(ConfigError, match="spacy_model '/nonexistent/pipeline' cannot be loaded"):
        anonymizer.redact("hello")


@pytest.mark.slow
def test_parallel_workers_redact_like_one_process(anonymizer) -> None:
    from core.settings import DEFAULT_EMPLOYEE_ID_PATTERNS
    from ingest.anonymize import ParallelAnonymizer

    texts = [f"ask Maria Gonzalez, ticket {i}, mail m{i}@corp.example" for i in range(40)]
    config = AnonymizerConfig(employee_id_patterns=DEFAULT_EMPLOYEE_ID_PATTERNS)
    with ParallelAnonymizer(config, workers=2) as parallel:
        assert parallel.redact_many(texts, chunk=7) == anonymizer.redact_many(texts)


def test_every_entity_type_has_a_recognizer() -> None:
    from ingest.anonymize import ENTITY_TYPES
    from ingest.recognizers import RECOGNIZERS

    assert set(RECOGNIZERS) == set(ENTITY_TYPES)
