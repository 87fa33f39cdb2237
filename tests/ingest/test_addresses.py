"""Street addresses as people write them across the company's countries."""

import pytest

ADDRESSES = [
    "221B Baker Street, London NW1 6XE",  # UK, postcode
    "12/48 Chapel Street, Windsor VIC 3181",  # Australia, unit/number
    "233 S Wacker Dr",  # US, direction prefix
    "1000 Vermont Ave NW, Washington, DC 20005",  # US, direction suffix, state, ZIP
    "88 Queen St W, Unit 1402, Toronto, ON M5H 2N2",  # Canada
    "350 Fifth Avenue, Apt 12C, New York, NY 10118",  # US, apartment
    "Level 12, 200 George Street, Sydney NSW 2000",  # Australia, level before number
    "Flat 4, 19 Hanover Square, Leeds LS3 1AP",  # UK, flat before number
    "No. 14, 2nd Main Road, Kasturba Nagar, Adyar, Chennai 600020",  # India
    "45 Teheran-ro 27-gil, Gangnam-gu, Seoul 06141",  # Korea
    "2-14-7 Ebisu, Shibuya-ku, Tokyo 150-0013",  # Japan, block address
    "Rua Augusta, 1120, apto 54, Consolação, São Paulo - SP, 01304-001",  # Brazil
    "Av. Paulista 1578, Bela Vista, São Paulo",  # Brazil, abbreviated
    "Calle Mayor 12, 28013 Madrid",  # Spain
    "ul. Marszałkowska 84/92, 00-514 Warszawa",  # Poland
    "Hauptstraße 5, 10115 Berlin",  # Germany, glued street type
    "Kalverstraat 92, 1012 PH Amsterdam",  # Netherlands
    "Andrássy út 12, 1061 Budapest",  # Hungary, street type after the name
    "17 Rue de Rivoli, 75004 Paris",  # France
    "Via Roma 10, 00184 Roma",  # Italy
    "Jalan Sudirman 45, Jakarta 10220",  # Indonesia
]


@pytest.mark.parametrize("address", ADDRESSES)
def test_redacts_the_whole_address(anonymizer, address: str) -> None:
    assert anonymizer.redact(f"send it to {address} please") == "send it to <ADDRESS> please"


@pytest.mark.parametrize(
    "text",
    [
        "We need 3 people on the way to the Q3 review.",
        "I worked 60 hours on Main this week.",
        "Building 40 in Room 4B, 5th floor.",
        "Sprint 14 Planning, Standup at 9.",
    ],
)
def test_leaves_numbers_and_places_that_are_not_addresses(anonymizer, text: str) -> None:
    assert "<ADDRESS>" not in anonymizer.redact(text)


MORE_ADDRESSES = [
    "Plot 12, Ahmadu Bello Way, Victoria Island, Lagos",  # Nigeria, plot first
    "House No. 7, Ring Road, Osu, Accra",  # Ghana, house number first
    "3rd Floor, Westlands Square, Waiyaki Way, Nairobi",  # Kenya, floor and building first
    "C/ de Serrano 41, 3º dcha., 28001 Madrid",  # Spain, floor and door
    "Av. Santa Fe 1234, piso 5, C1059 CABA",  # Argentina
    "10F, 21 Sejong-daero, Jung-gu, Seoul",  # Korea, floor first
    "Số 12 Tràng Tiền, Hoàn Kiếm, Hà Nội",  # Vietnam
    "〒100-0005 東京都千代田区丸の内1-1-1",  # Japan, in Japanese
    "서울특별시 중구 세종대로 110",  # Korea, in Korean
]


@pytest.mark.parametrize("address", MORE_ADDRESSES)
def test_redacts_addresses_that_do_not_start_with_a_street_number(anonymizer, address: str) -> None:
    assert anonymizer.redact(f"send it to {address} please") == "send it to <ADDRESS> please"


STREET_TYPE_FIRST = [
    "Ngong Road, Plot 44/123, Nairobi",  # Kenya, the plot after the street
    "Rue Neuve 15 bus 2, 1000 Bruxelles",  # Belgium, box number
    "Keizersgracht 12, 1015 CS Amsterdam",  # Netherlands, postcode and town after
    "22 Baggot Street Upper, Dublin 4, D04 X2Y3",  # Ireland, qualifier and district
    "5th Ave cor. 26th St, Bonifacio Global City, Taguig 1634",  # Philippines, corner
    "Blk 123 Ang Mo Kio Ave 3, #05-67, Singapore 560123",  # Singapore, block and unit
]


@pytest.mark.parametrize("address", STREET_TYPE_FIRST)
def test_redacts_addresses_whose_number_comes_late(anonymizer, address: str) -> None:
    assert anonymizer.redact(f"send it to {address} please") == "send it to <ADDRESS> please"


FLOORS_AND_BUILDINGS = [
    "Müllerstraße 14, 3. OG, 80469 München",  # Germany, floor
    "Av. Paulista, 1000, 8º andar, Bela Vista, São Paulo - SP",  # Brazil, floor
    "3rd Floor, Shree Ram Mills Compound, Ganpatrao Kadam Marg, Lower Parel, Mumbai 400013",
    "27 Kingsway, Apt 5, Auckland 1010",  # New Zealand, street type glued on
    "Rua das Flores 215, 3º Esq., 4050-265 Porto",  # Portugal, floor side and postcode
]


@pytest.mark.parametrize("address", FLOORS_AND_BUILDINGS)
def test_redacts_addresses_with_floors_and_buildings(anonymizer, address: str) -> None:
    assert anonymizer.redact(f"send it to {address} please") == "send it to <ADDRESS> please"
