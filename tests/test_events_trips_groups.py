"""Event rules for trips announced ahead, talks held in named places, groups of states and
states that have since split up. The texts are written for these tests."""

from __future__ import annotations

from datetime import date

import pytest

from summaries.events import extract_events
from summaries.events.mentions import Story, mentions
from summaries.events.names import clean_name

TUESDAY = date(1987, 10, 20)
LATER = date(2022, 2, 23)  # a Wednesday, after the Soviet Union


def _found(
    text: str, published: date | None = TUESDAY
) -> set[tuple[str, tuple[str, ...], date | None]]:
    return {(e.type, e.sides, e.date) for e in extract_events(text, published=published)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Italian Foreign Minister Giulio Andreotti leaves for Brazil on Thursday.",
            ("visit", ("BR", "IT"), date(1987, 10, 22)),
        ),
        (
            "Japanese Trade Minister Hajime Tamura left Bonn for Stockholm on Monday.",
            ("visit", ("JP", "SE"), date(1987, 10, 19)),
        ),
        (
            "Chinese Premier Zhao Ziyang will also stop in Karachi to meet officials.",
            ("visit", ("CN", "PK"), None),
        ),
        (
            "French Finance Minister Edouard Balladur will be in Tokyo from October 26.",
            ("visit", ("FR", "JP"), date(1987, 10, 26)),
        ),
        (
            "The accord followed a visit to Aden by a senior delegation from the Soviet Union.",
            ("visit", ("SU", "YD"), TUESDAY),
        ),
        (
            "U.S. House Speaker Jim Wright plans to visit Mexico.",
            ("visit", ("MX", "US"), None),
        ),
    ],
)
def test_trips_announced_or_reported(text, expected):
    assert expected in _found(text)


def test_a_time_phrase_after_and_belongs_to_the_next_verb():
    found = _found(
        "Canadian Trade Minister Pat Carney is on a visit to Kenya, and leaves for Egypt on "
        "Thursday."
    )
    assert ("visit", ("CA", "KE"), TUESDAY) in found
    assert ("visit", ("CA", "EG"), date(1987, 10, 22)) in found


def test_talks_in_named_places_are_talks_with_each_of_them():
    found = _found(
        "Canadian Trade Minister Pat Carney is on a visit to Kenya after talks in Egypt and "
        "Tunisia."
    )
    talks = {sides for kind, sides, _ in found if kind == "negotiation"}
    assert talks == {("CA", "EG"), ("CA", "TN")}


def test_a_meeting_in_a_city_is_not_with_its_country():
    found = _found("Bahrain's Finance Minister Ibrahim Abdul-Karim met in Abu Dhabi on Monday.")
    assert not found


def test_a_group_without_a_code_is_always_its_members():
    found = _found("Iran accused the six world powers of deception on Tuesday.")
    assert ("accusation", ("CN", "DE", "FR", "GB", "IR", "RU", "US"), TUESDAY) in found


def test_world_powers_are_the_p5_plus_1_only_beside_iran():
    p5 = ("negotiation", ("CN", "DE", "FR", "GB", "IR", "RU", "US"), TUESDAY)
    assert p5 in _found("Nuclear talks intensified on Tuesday between world powers and Iran.")
    assert not _found("Nuclear talks intensified on Tuesday between other world powers and Iran.")
    assert not _found("Trade talks intensified on Tuesday between world powers and Japan.")


def test_a_group_is_its_code_unless_the_story_spells_out_its_members():
    meeting = "Finance ministers of the Group of Seven opened a two-day meeting on Tuesday."
    members = (
        " They came from the United States, Japan, West Germany, France, Britain, Italy and Canada."
    )
    assert not _found(meeting)  # one side: nobody to meet
    spelled = _found(meeting + members)
    assert ("meeting", ("CA", "DE", "FR", "GB", "IT", "JP", "US"), TUESDAY) in spelled


def test_a_successor_state_is_its_predecessor_before_the_split():
    assert ("visit", ("CS", "SU"), TUESDAY) in _found(
        "Soviet Foreign Minister Eduard Shevardnadze arrived in Prague on Tuesday."
    )
    assert ("visit", ("CZ", "RU"), date(2015, 3, 3)) in _found(
        "Russian Foreign Minister Sergei Lavrov arrived in Prague on Tuesday.", date(2015, 3, 3)
    )


def test_a_body_named_again_by_its_noun():
    text = (
        "A World Bank team visited Jakarta on Tuesday. The Bank called on Indonesia to free "
        "its farmers. The Bank report was critical of Indonesia's sugar drive."
    )
    found = {(kind, sides) for kind, sides, _ in _found(text)}
    assert {("appeal", ("ID", "WORLDBANK")), ("criticism", ("ID", "WORLDBANK"))} <= found
    # no World Bank in the story: "the Bank" is some other bank
    assert not _found("The Bank called on Indonesia to free its farmers.")


def test_an_envoy_to_the_un_acts_for_his_state():
    found = _found(
        "The dispute went to the United Nations. Greek U.N. Representative Mihalis Dounas "
        "said in a letter to the secretary-general that it was of a legal nature."
    )
    assert ("message", ("GR", "UN"), TUESDAY) in found


def test_un_diplomats_are_states_diplomats_not_the_un():
    found = _found(
        "Israeli Foreign Minister Yitzhak Shamir has conferred with U.N. diplomats, including "
        "the representative of the Soviet Union, on Tuesday."
    )
    assert all("UN" not in sides for _, sides, _ in found)


@pytest.mark.parametrize(
    "text",
    [
        'Japan was ready to take "appropriate measures" if Washington imposed the tariffs, '
        "Japanese Trade Minister Hajime Tamura said on Tuesday.",
        "China will take necessary measures against the United States, the Chinese foreign "
        "ministry said on Tuesday.",
    ],
)
def test_measures_promised_against_another_state_are_a_threat(text):
    assert {kind for kind, _, _ in _found(text)} == {"threat"}


def test_measures_at_home_are_no_threat():
    assert not _found("Japan will take measures to boost its economy, Tokyo said on Tuesday.")


def test_the_two_ministers_are_the_two_the_story_named():
    text = (
        "Ecuador will use a pipeline through Colombia, Colombian Energy Minister Guillermo "
        "Perry said. Ecuador will pay its debts, Ecuadorean Energy Minister Javier Espinosa "
        "said. The two ministers spoke after signing an agreement on oil exploration."
    )
    assert ("agreement", ("CO", "EC"), TUESDAY) in _found(text)


@pytest.mark.parametrize(
    "text",
    [
        '"I have negotiated with the Israelis for 20 years," the Palestinian negotiator said.',
        "U.S. Secretary of State John Kerry spoke in Geneva before leaving for Paris.",
        "Afghan President Ashraf Ghani said there should be a review of the U.S. withdrawal.",
        "The Swedish prosecutor said the suspect would have to come to Britain should there "
        "be a trial.",
    ],
)
def test_habits_passing_trips_and_impersonal_shoulds_are_no_events(text):
    assert not _found(text)


def test_a_stop_to_meet_foreign_officials_is_no_visit_to_their_country():
    found = _found(
        "U.S. Commerce Secretary Malcolm Baldrige will also stop in Hong Kong to meet British "
        "officials."
    )
    assert {sides for kind, sides, _ in found if kind == "visit"} == {("HK", "US")}


def test_an_agreement_with_a_named_bank_guesses_no_state():
    assert not _found(
        "U.S. President Ronald Reagan spoke on Monday. Mexican officials signed a loan with "
        "the Inter-American Development Bank on Tuesday."
    )


def test_unions_and_companies_of_a_country_are_not_its_state():
    assert not _found("Fiji welcomed the end of a trade ban imposed by Australian labor unions.")


@pytest.mark.parametrize(
    "text",
    [
        "Former U.S. President George Bush criticized China on Monday.",
        "Retired Israeli General Amnon Reshef accused Iran of lying.",
        "British bankers praised outgoing U.S. Treasury Secretary James Baker.",
        "Brazilian business leaders attending a meeting with President Jose Sarney called on "
        "the government to seek help from the International Monetary Fund.",
    ],
)
def test_former_officials_and_private_people_act_for_no_state(text: str) -> None:
    assert not _found(text)


@pytest.mark.parametrize(
    "text",
    [
        "But on Thursday morning, the alleged assailant, who has been tied to Korean "
        "nationalist and anti-U.S. protests, shouted his opposition to U.S.-South Korean "
        "military exercises and called for Korean reunification.",
        "In the 1980s, pro-democracy protesters against a South Korean government attacked "
        "and burned U.S. government facilities.",
        "Economists speculated that Japan would meet the IMF in April.",
    ],
)
def test_people_who_are_no_state_make_no_act_of_one(text: str) -> None:
    assert not _found(text, LATER)


def test_analysts_reporting_a_state_s_act_do_not_stop_it():
    assert ("criticism", ("IR", "SA"), LATER) in _found(
        "Analysts said Saudi Arabia condemned Iran on Wednesday.", LATER
    )


def test_an_envoy_telling_his_own_minister_what_his_state_must_do_is_no_appeal():
    found = _found(
        "Before the U.S. imposes tariffs, Japan's ambassador to the U.S., Nobuo Matsunaga, "
        "told Foreign Minister Tadashi Kuranari that Japan must address market issues."
    )
    assert "appeal" not in {kind for kind, _, _ in found}


def test_a_serving_official_after_a_former_one_still_acts():
    found = _found(
        "Former U.S. President Jimmy Carter was in Paris. French President Francois Mitterrand "
        "criticized China on Monday."
    )
    assert ("criticism", ("CN", "FR"), date(1987, 10, 19)) in found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "China calls on the Philippines to stop those activities at once.",
            ("appeal", ("CN", "PH"), LATER),
        ),
        (
            "Venezuela said it is recalling its ambassador to Colombia for consultations.",
            ("sanctions", ("CO", "VE"), LATER),
        ),
        (
            "Russia promised Wednesday a \u201cstrong\u201d response to U.S. sanctions.",
            ("threat", ("RU", "US"), LATER),
        ),
        (
            "Russia will take asymmetrical and \u201cmeasured\u201d retaliatory steps against "
            "U.S. interests.",
            ("threat", ("RU", "US"), LATER),
        ),
        (
            "Pakistan said Iran's strike was a violation of international law.",
            ("accusation", ("IR", "PK"), LATER),
        ),
        (
            "Washington renewed its threat to cut ties with Japan.",
            ("threat", ("JP", "US"), LATER),
        ),
        (
            "The Philippines renewed its request for lower tariffs from the European Union.",
            ("appeal", ("EU", "PH"), LATER),
        ),
        (
            "U.S. threats to impose tariffs on Japan have pushed Tokyo to act.",
            ("threat", ("JP", "US"), LATER),
        ),
        (
            "The United States has warned of further sanctions should Putin extend his "
            "country's military presence.",
            ("threat", ("RU", "US"), None),
        ),
        (
            "Islamabad considers the attacks \"a blatant breach of Pakistan's sovereignty by "
            'Iran," the ministry said.',
            ("accusation", ("IR", "PK"), LATER),
        ),
        (
            "The Biden administration imposed the \u201cfirst tranche\u201d of economic measures "
            "in response to Russia's invasion of Ukraine.",
            ("sanctions", ("RU", "US"), LATER),
        ),
        (
            "Washington charged France, West Germany and Spain with unfair practices.",
            ("accusation", ("DE", "ES", "FR", "US"), LATER),
        ),
        (
            "The United States strongly approves of Saudi Arabia's campaign.",
            ("praise", ("SA", "US"), LATER),
        ),
        (
            '"We will firmly and strongly respond to any North Korean provocation," South '
            "Korea's defence minister said.",
            ("threat", ("KP", "KR"), LATER),
        ),
        (
            "Azerbaijan has asked Moscow to suspend military ties with Armenia.",
            ("appeal", ("AZ", "RU"), None),
        ),
        (
            "Colombian President Juan Manuel Santos will fly to Caracas to meet Chavez.",
            ("visit", ("CO", "VE"), None),
        ),
    ],
)
def test_acts_in_everyday_wording(text: str, expected: tuple) -> None:
    assert expected in _found(text, LATER)


def test_each_judgement_in_a_quote_is_of_what_it_judges():
    text = (
        'Dutch Foreign Minister Hans van den Broek spoke on Tuesday. "I consider the tone of '
        "US declarations on Airbus ill-advised, and the EC oils tax proposal a dangerous "
        'provocation," he said.'
    )
    found = {(kind, sides) for kind, sides, _ in _found(text)}
    assert {("criticism", ("NL", "US")), ("criticism", ("EC", "NL"))} <= found


def test_what_an_appeal_asks_for_is_not_done():
    assert _found("Britain urged Iran to sign an agreement with Iraq.", LATER) == {
        ("appeal", ("GB", "IR"), LATER)
    }


def test_talks_after_a_coordinated_subject_are_between_all_of_it():
    text = (
        "Canadian and Egyptian wheat negotiators failed to conclude an agreement on wheat "
        "exports during talks last week, Canadian embassy officials said."
    )
    assert ("negotiation", ("CA", "EG"), None) in _found(text)


def test_and_has_joins_a_verb_to_the_clause_subject_not_to_its_object():
    text = (
        "Washington now seeks to persuade Russia to come back into compliance and has "
        "threatened a variety of costs."
    )
    assert ("threat", ("RU", "US"), None) in _found(text, LATER)


def test_a_visit_with_no_place_named_is_to_where_the_story_is_told_from():
    found = {
        (e.type, e.sides)
        for e in extract_events(
            "Rescuers worked on. The leaders of Germany, France and Spain have visited.",
            dateline="Seyne-les-Alpes, France",
        )
    }
    assert found == {("visit", ("DE", "FR")), ("visit", ("ES", "FR"))}


def test_a_plural_title_is_held_by_every_state_listed_after_it():
    found = _found(
        "The foreign ministers of Iran, Iraq and Syria condemned the Turkish strikes.", LATER
    )
    assert {sides for _, sides, _ in found} == {("IR", "TR"), ("IQ", "TR"), ("SY", "TR")}


def test_she_who_says_a_quote_is_not_the_one_named_inside_it():
    text = (
        "Iranian Foreign Ministry spokeswoman Marzieh Afkham spoke on Tuesday. "
        '"The continued lies of Netanyahu about Iran are repetitive and sickening," she said.'
    )
    events = extract_events(text, published=date(2015, 3, 4))  # Netanyahu in office
    assert [(e.type, e.sides) for e in events] == [("criticism", ("IL", "IR"))]
    assert "Marzieh Afkham" in events[0].people[0]


def test_each_of_two_coordinated_trips_has_its_own_day():
    found = _found(
        "German Chancellor Angela Merkel said she was sending two ministers to France on "
        "Tuesday and would travel to Spain on Wednesday.",
        date(2015, 3, 24),
    )
    assert found == {
        ("visit", ("DE", "FR"), date(2015, 3, 24)),
        ("visit", ("DE", "ES"), date(2015, 3, 25)),
    }


def test_one_protest_read_with_more_and_fewer_targets_is_one_act_at_the_fewer():
    found = _found(
        "The United Arab Emirates said it had summoned Sweden's ambassador to protest \"the "
        'abusive remarks by the Foreign Minister of Sweden against Saudi Arabia."',
        LATER,
    )
    assert {(kind, sides) for kind, sides, _ in found} == {("criticism", ("AE", "SE"))}


def test_the_place_of_a_speaker_s_own_trip_does_not_speak():
    found = _found(
        "On the tarmac, Netanyahu, with his wife, Sara, at his side, declared his visit to "
        'Washington a "historic" trip.',
        date(2015, 3, 2),
    )
    assert "praise" not in {kind for kind, _, _ in found}


def test_a_state_named_as_a_yardstick_is_no_target():
    assert not _found(
        "Argentina is requesting only 1.95 billion dlrs in new loans, compared with Mexico's "
        "7.7 billion."
    )


def test_a_trip_to_a_region_visits_the_countries_listed_each_without_the_departure_day():
    found = _found(
        "U.S. Commerce Secretary Malcolm Baldrige leaves on Saturday on a 10-day trip to the "
        "Far East to improve business relations with China, South Korea and the Philippines. "
        "Baldrige will be in Peking from April 21 to 24.",
        date(1987, 4, 14),
    )
    assert found == {
        ("visit", ("CN", "US"), date(1987, 4, 21)),
        ("visit", ("KR", "US"), None),
        ("visit", ("PH", "US"), None),
    }


def test_a_meeting_in_a_named_country_with_someone_unplaced_is_with_its_officials():
    found = _found(
        "U.S. Commerce Secretary Malcolm Baldrige spoke on Monday. In Hong Kong, Baldrige will "
        "hold meetings on April 27 with Governor David Wilson.",
        date(1987, 4, 14),
    )
    assert ("meeting", ("HK", "US"), date(1987, 4, 27)) in found


def test_an_office_only_one_state_has_places_its_holder():
    found = _found(
        "After meeting with visiting Senate Majority Leader Mitch McConnell, a Republican, "
        "Netanyahu said the deal was bad.",
        date(2015, 3, 2),
    )
    assert {(kind, sides) for kind, sides, _ in found} == {
        ("meeting", ("IL", "US")),
        ("visit", ("IL", "US")),
    }


def test_the_minister_of_international_trade_and_industry_is_japan_s():
    found = _found(
        "Japan's trade ministry spoke. The minister of international trade and industry, Hajime "
        "Tamura, said there was deep regret over the U.S. measures.",
        date(1987, 4, 17),
    )
    assert ("criticism", ("JP", "US"), date(1987, 4, 17)) in found


def test_the_one_named_after_a_speech_verb_speaks_only_after_a_quote():
    found = _found(
        "Supreme Leader Ayatollah Ali Khamenei spoke. He suggested the U.S. President's message "
        '"included dishonest assertions," he is quoted as saying.',
        date(2015, 3, 21),
    )
    assert ("criticism", ("IR", "US"), date(2015, 3, 21)) in found


def test_he_after_an_official_named_by_title_alone_is_that_official():
    found = _found(
        "Ukraine's east is calm. The report paints a picture of devastation, said U.N. High "
        "Commissioner for Human Rights Zeid Ra'ad Al Hussein. He called on Ukraine to end the "
        "fighting.",
        date(2015, 3, 2),
    )
    assert ("appeal", ("UA", "UN"), date(2015, 3, 2)) in found


def test_a_partner_list_needs_a_comma_or_a_conjunction():
    found = _found(
        "The senators and U.S. semiconductor industry representatives met with Commerce "
        "Secretary Malcolm Baldrige and State Department officials to discuss Japan's alleged "
        "violations of the agreement.",
        date(1987, 3, 20),
    )
    assert "meeting" not in {kind for kind, _, _ in found}


def test_touring_and_calling_up():
    assert ("visit", ("CN", "GH"), None) in _found(
        "Chinese Premier Wen Jiabao visited Tanzania after touring Egypt, Ghana and Angola.",
        date(2006, 6, 24),
    )
    assert ("phone_call", ("IN", "US"), date(2019, 5, 24)) in _found(
        "US President Donald Trump on Friday called up Prime Minister Narendra Modi.",
        date(2019, 5, 25),
    )


def test_their_talks_after_two_officials_are_between_them():
    found = _found(
        "Japan's foreign minister has urged her Iranian counterpart to exercise restraint, "
        "citing a readout of their telephone talks issued by Tokyo.",
        LATER,
    )
    assert ("phone_call", ("IR", "JP"), LATER) in found


def test_the_two_governments_do_not_take_over_talks_someone_named_held():
    story = (
        "Chinese Premier Wen Jiabao arrived in Uganda for a visit. The two governments signed "
        "six agreements on Friday after Wen Jiabao held talks with Ugandan President Yoweri "
        "Museveni."
    )
    found = {(kind, sides) for kind, sides, _ in _found(story, date(2006, 6, 24))}
    assert ("negotiation", ("CN", "UG")) in found


def test_the_two_leaders_of_the_sentence_are_the_two_it_names():
    found = _found(
        "US President Donald Trump on Friday called up Prime Minister Narendra Modi and the "
        "two leaders agreed to meet in Osaka. Sri Lanka's Sirisena and Saudi Arabia's King "
        "Salman also called.",
        date(2019, 5, 25),
    )
    agreements = {sides for kind, sides, _ in found if kind == "agreement"}
    assert agreements == {("IN", "US")}


def test_judged_sanctions_are_on_the_state_that_imposed_them():
    found = _found(
        "The U.S. sanctions target Russian banks. Russian deputy Foreign Minister Sergey "
        "Ryabkov condemned the new sanctions.",
        LATER,
    )
    assert ("criticism", ("RU", "US"), LATER) in found


def test_a_threat_to_security_is_no_threat_made():
    assert not _found('"The greatest threat to our security is Iran," Netanyahu said.', LATER)


MILITARY_STORY = (
    "The Saudi-led airstrikes hit Sanaa again, and the Saudi-led coalition said operation "
    "Decisive Storm would go on. Iran denounced the military intervention. Iraq voiced "
    "opposition to Decisive Storm. The United States voiced approval of the airstrikes."
)


def test_a_judged_military_act_is_on_the_state_the_story_names_as_its_doer():
    found = {(kind, sides) for kind, sides, _ in _found(MILITARY_STORY)}
    assert {
        ("criticism", ("IR", "SA")),
        ("criticism", ("IQ", "SA")),
        ("praise", ("SA", "US")),
    } <= found


def test_a_state_judging_a_military_act_is_not_its_doer():
    text = (
        "The Saudi-led strikes hit Sanaa again. Kerry said that the United States commends the "
        "military action. Iran denounced the military intervention."
    )
    found = {(kind, sides) for kind, sides, _ in _found(text, LATER)}
    assert {("praise", ("SA", "US")), ("criticism", ("IR", "SA"))} <= found


def test_without_a_doer_in_the_story_a_judged_act_has_no_other_side():
    assert not _found("Iran denounced the military intervention.")


def test_a_one_letter_name_skeleton_is_no_match_for_another_name():
    text = (
        "Yemen's former President Ali Abdullah Saleh backs the rebels, CNN's Ian Lee reported. "
        "Lebanon voiced opposition to the plan, Lee reported."
    )
    assert all("YE" not in sides for _, sides, _ in _found(text))


def test_both_sides_and_all_sides_are_the_states_the_story_is_about():
    text = (
        "Israel and the Palestinians broke off talks. Israeli officials blamed the "
        "Palestinians. Palestinian officials blamed Israel. The White House urged both sides "
        "back to negotiations on Tuesday."
    )
    assert ("appeal", ("IL", "PS", "US"), TUESDAY) in _found(text)


def test_a_participle_after_a_comma_shares_the_clauses_subject():
    text = (
        "Yemen's President Abd-Rabbu Mansour Hadi fled Aden. The U.N. Security Council backed "
        "Hadi on Tuesday, calling on Yemen to hold talks."
    )
    appeals = {sides for kind, sides, _ in _found(text) if kind == "appeal"}
    assert appeals == {("UNSC", "YE")}


def test_a_participle_dating_another_act_does_not_make_the_act_background():
    text = (
        "Ukrainian Foreign Minister Pavlo Klimkin spoke on Tuesday. Russia urged Ukraine to "
        "respect the peace deal, reached last month in Minsk, on Tuesday."
    )
    assert ("appeal", ("RU", "UA"), date(2015, 3, 3)) in _found(text, date(2015, 3, 3))


def test_he_is_the_official_named_before_not_the_one_he_meets():
    text = (
        "West German President Richard von Weizsaecker arrived in Bolivia on Tuesday. He held "
        "brief talks on Monday with Brazilian President Jose Sarney during a stopover."
    )
    assert ("negotiation", ("BR", "DE"), date(1987, 10, 19)) in _found(text)


def test_tariffs_announced_a_few_words_after_the_verb_are_sanctions():
    text = (
        "Washington announced plans to put as much as 300 mln dlrs in tariffs on Japanese "
        "electronic goods on Tuesday."
    )
    assert ("sanctions", ("JP", "US"), TUESDAY) in _found(text)


@pytest.mark.parametrize(
    "text",
    [
        "An open letter signed by 47 U.S. senators was addressed to Iran's leaders on Tuesday.",
        "A man attacked the American ambassador in Seoul on Tuesday, South Korean police said.",
        "Young Britons wanting to travel to Syria were stopped in Turkey on Tuesday.",
        "Japan's Nakasone spoke before a meeting of the Reagan administration's Economic Policy "
        "Council on Tuesday.",
    ],
)
def test_letters_blows_wishes_and_home_meetings_are_no_events(text):
    assert not _found(text)


def test_talks_agreed_to_are_not_yet_held_but_talks_agreed_in_were():
    assert {k for k, _, _ in _found("Iran and the Soviet Union agreed to hold talks on oil.")} == {
        "agreement"
    }
    found = _found(
        "Lebanese President Amin Gemayel agreed to the proposals in indirect negotiations with "
        "Syrian leaders."
    )
    assert ("negotiation", ("LB", "SY"), TUESDAY) in found


def test_a_towns_country_is_where_a_summit_is_not_who_attends():
    found = _found(
        "Yemen's President Abd-Rabbu Mansour Hadi has gone to the resort town of Sharm "
        "el-Sheikh, Egypt, to attend the Arab League summit.",
        date(2015, 3, 3),
    )
    assert {sides for _, sides, _ in found} == {("ARAB_LEAGUE", "YE")}


def test_a_who_clause_acts_for_the_one_it_is_about():
    text = (
        "Italian Prime Minister Giovanni Goria met Brazilian Finance Minister Dilson Funaro, "
        "who is on a visit to Rome, on Tuesday."
    )
    assert ("visit", ("BR", "IT"), TUESDAY) in _found(text)


def test_two_officials_judging_the_same_state_are_two_statements():
    text = (
        "Iranian Foreign Minister Javad Zarif criticised Israel on Tuesday. Iranian Vice "
        "President Massoumeh Ebtekar also criticised Israel on Tuesday."
    )
    found = extract_events(text, published=TUESDAY)
    assert [e.type for e in found if e.sides == ("IL", "IR")] == ["criticism", "criticism"]


MONDAY_2022 = date(2022, 3, 7)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The U.S.-Japan talks on chips ended on Monday.", ("negotiation", ("JP", "US"))),
        ("Kuwait's emir received a phone call from the Qatari emir.", ("phone_call", ("KW", "QA"))),
        (
            "The Chinese embassy in Manila protested against the Philippine coast guard's actions.",
            ("criticism", ("CN", "PH")),
        ),
        (
            "Russian President Vladimir Putin was received by Chinese President Xi Jinping.",
            ("meeting", ("CN", "RU")),
        ),
        ("Australia has suspended defence cooperation with Fiji.", ("sanctions", ("AU", "FJ"))),
        (
            "The leaders of Japan, South Korea and China will meet in Seoul next month.",
            ("meeting", ("CN", "JP", "KR")),
        ),
    ],
)
def test_common_wire_constructions(text, expected):
    assert expected in {(kind, sides) for kind, sides, _ in _found(text, MONDAY_2022)}


def test_a_group_meeting_with_one_side_named_guesses_no_partner():
    text = (
        "U.S. President Ronald Reagan spoke to Japan's Nakasone on Monday. Reagan's trade "
        "advisory group will meet on the issue on Wednesday."
    )
    assert not {k for k, _, _ in _found(text) if k == "meeting"}


def test_a_month_and_day_a_few_weeks_ahead_is_this_years():
    found = _found(
        "Japanese Prime Minister Yasuhiro Nakasone prepared for his visit to Washington "
        "starting on November 29."
    )
    assert ("visit", ("JP", "US"), date(1987, 11, 29)) in found


def test_the_group_of_five_is_its_members():
    found = _found(
        "Italy was excluded from a meeting of finance ministers from the Group of Five on Tuesday."
    )
    assert ("meeting", ("DE", "FR", "GB", "JP", "US"), TUESDAY) in found


def test_refusing_to_rule_out_retaliation_is_a_threat():
    found = _found(
        "Japanese Foreign Minister Tadashi Kuranari refused to rule out retaliation against "
        "the United States on Tuesday."
    )
    assert ("threat", ("JP", "US"), TUESDAY) in found


@pytest.mark.parametrize(
    "text",
    [
        "U.S. Commerce Secretary Malcolm Baldrige asked the White House on Tuesday to block "
        "the sale of Fairchild to Japan's Fujitsu.",
        "U.S. officials said Palestinian leader Yasser Arafat signed off on the attack.",
        "Israeli Prime Minister Benjamin Netanyahu sent a message to the American people.",
    ],
)
def test_asking_ones_own_government_signing_off_and_peoples_are_no_events(text):
    assert not _found(text)


def test_an_opening_subordinate_clause_keeps_its_own_sides():
    found = _found(
        "While the talks went on this week, Israeli Prime Minister Benjamin Netanyahu restated "
        "his concern about a deal with Iran."
    )
    assert not {k for k, _, _ in found if k == "negotiation"}


def test_a_passive_act_is_the_agents_on_the_subject():
    found = _found(
        "Britain's ambassador to Iran was summoned by the Iranian foreign ministry on Tuesday."
    )
    assert ("criticism", ("GB", "IR"), TUESDAY) in found
    assert [
        e.actors[0].side
        for e in extract_events(
            "Britain's ambassador to Iran was summoned by the Iranian foreign ministry.",
            published=TUESDAY,
        )
    ] == ["IR"]


def test_calling_a_statement_interference_is_criticism():
    found = _found(
        "Iran's foreign ministry spokesman on Tuesday called the British statement "
        '"interference in Iran\'s internal affairs."'
    )
    assert ("criticism", ("GB", "IR"), TUESDAY) in found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Saudi Foreign Minister Adel al-Jubeir told reporters that Iran was \"the world's "
            'leading sponsor of terrorism."',
            ("criticism", ("IR", "SA")),
        ),
        (
            '"Russia must withdraw its troops," German Chancellor Angela Merkel told reporters.',
            ("appeal", ("DE", "RU")),
        ),
        (
            "Iran's Supreme Leader said the United States could not be trusted.",
            ("criticism", ("IR", "US")),
        ),
        ("Venezuela ordered the U.S. embassy to cut its staff.", ("sanctions", ("US", "VE"))),
    ],
)
def test_statements_and_orders_reported_in_speech(text, expected):
    assert expected in {(e.type, e.sides) for e in extract_events(text)}


@pytest.mark.parametrize(
    "text",
    [
        '"They do not speak for us," said Antonio French, a St. Louis alderman.',
        "The tourists were on a cruise. They were on a ship that stopped in Tunis.",
        "Veteran strategist J. Warren Tompkins is signing on to run a pro-Rubio group.",
        "Netanyahu must now face the world, and the international community, led by the "
        "United States, must respond.",
    ],
)
def test_surnames_tourists_campaigns_and_opinions_are_no_events(text):
    assert not extract_events(text)


def test_a_named_citys_country_is_a_place():
    found = extract_events(
        "French President Francois Hollande told reporters at an EU Council meeting in "
        "Brussels, Belgium, that two of the wounded were in serious condition."
    )
    assert all("BE" not in e.sides for e in found)


def test_a_weekday_before_a_demonym_is_no_given_name():
    text = "Officials said Sunday French troops would leave."
    story = Story(title=None, text=text, dateline=None, published=TUESDAY)
    assert "FR" in {m.side for m in mentions(text, story)}


@pytest.mark.parametrize(
    "text",
    [
        "Argentine Economy Minister Juan Sourrouille said Argentina has met IMF requirements.",
        "U.S. President Ronald Reagan said the tariffs on Japan sent a message it was time to "
        "open markets.",
        "A parliamentary motion on Britain and the United States, signed by 98 MPs, was tabled.",
        "If the talks prove successful, the Nigerian team will hold similar talks with French "
        "officials in Paris later this week.",
    ],
)
def test_targets_met_figures_of_speech_motions_and_conditions_are_no_events(text):
    assert not extract_events(text, published=TUESDAY)


def test_representatives_meeting_and_pressing():
    found = _found(
        "Representatives from Nigeria are meeting today with officials of Britain's Export "
        "Credits Guarantee Department. U.S. Treasury Secretary James Baker will press Japan "
        "to boost demand."
    )
    kinds = {(kind, sides) for kind, sides, _ in found}
    assert {("meeting", ("GB", "NG")), ("appeal", ("JP", "US"))} <= kinds


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "West German President Richard von Weizsaecker met Argentine President Raul "
            "Alfonsin on the first day of the German leader's four-day visit.",
            ("visit", ("AR", "DE")),
        ),
        (
            "Japanese Foreign Minister Shintaro Abe returned from a U.S. visit.",
            ("visit", ("JP", "US")),
        ),
        (
            "U.S. Secretary of Commerce Malcolm Baldrige hopes Japanese Prime Minister "
            "Yasuhiro Nakasone will ease U.S.-Japan trade friction at a meeting with President "
            "Reagan.",
            ("meeting", ("JP", "US")),
        ),
        (
            "U.K. Chancellor of the Exchequer Nigel Lawson spoke. Lawson called on Bonn to cut "
            "taxes.",
            ("appeal", ("DE", "GB")),
        ),
    ],
)
def test_visits_without_a_place_after_and_titles_with_of(text, expected):
    assert expected in {(e.type, e.sides) for e in extract_events(text, published=TUESDAY)}


def test_a_reminder_or_reiteration_names_who_says_must():
    found = extract_events(
        "A senior British minister reiterated that Libya must hand over the suspects."
    )
    assert ("appeal", ("GB", "LY")) in {(e.type, e.sides) for e in found}


def test_a_state_that_will_host_an_official_is_visited():
    found = extract_events("South Africa will host the Zimbabwean president next week.")
    assert [(e.type, e.sides) for e in found] == [("visit", ("ZA", "ZW"))]


def test_an_act_is_dated_by_the_first_report_that_gives_its_day():
    found = _found(
        "Nigeria and France have signed a debt agreement, officials said. The accord was "
        "signed here yesterday by Nigerian Finance Minister Chu Okongwu and French Treasury "
        "officials."
    )
    assert ("agreement", ("FR", "NG"), date(1987, 10, 19)) in found


def test_talks_an_official_came_from_have_no_day():
    found = _found("Australian Trade Minister John Dawkins is in Malaysia after talks in Thailand.")
    assert ("negotiation", ("AU", "TH"), None) in found


@pytest.mark.parametrize(
    "text",
    [
        "French Finance Minister Edouard Balladur, who hosted the Louvre meeting, spoke.",
        "German Ambassador Walter Lindner said a professor was accused of rejecting an Indian "
        "student.",
        "Japan's wartime record is frequently criticized by China.",
        "EC diplomats saw no intention to impose sanctions against Japan.",
    ],
)
def test_hosting_a_meeting_agentless_passives_habits_and_intentions_are_no_events(text):
    assert not extract_events(text, published=TUESDAY)


def test_a_predicate_adjective_is_no_passive():
    text = "The World Bank was here. The World Bank report was critical of Indonesia's policy."
    assert ("criticism", ("ID", "WORLDBANK")) in {
        (e.type, e.sides) for e in extract_events(text, published=TUESDAY)
    }


def test_a_portfolio_named_in_capitals_between_country_and_title():
    found = _found(
        "British Corporate Affairs minister Michael Howard leaves for Japan on Saturday."
    )
    assert ("visit", ("GB", "JP"), date(1987, 10, 24)) in found


def test_suggesting_what_another_state_should_do_is_an_appeal():
    found = extract_events(
        "West German Finance Minister Gerhard Stoltenberg suggested that Britain should join "
        "the monetary system."
    )
    assert ("appeal", ("DE", "GB")) in {(e.type, e.sides) for e in found}


def test_talks_with_banks_guess_no_state_and_a_posting_does_not_speak():
    assert not _found(
        "Brazil's Central Bank governor Francisco Gros said after talks with its 14-bank "
        "advisory committee here yesterday that it could not pay."
    )
    found = extract_events(
        "Japan's ambassador to the U.S., Nobuo Matsunaga, told Foreign Minister Tadashi "
        "Kuranari that Japan must open its markets."
    )
    assert all(e.sides != ("JP", "US") for e in found)


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Datuk Seri Ismail Sabri Yaakob", "Ismail Sabri Yaakob"),
        ("Sheikh Tamim bin Hamad", "Tamim bin Hamad"),
        ("Dr. Abiy Ahmed", "Abiy Ahmed"),
        ("Tony Tan", "Tony Tan"),
        ("FM Qureshi", "Qureshi"),
    ],
)
def test_honorifics_are_not_part_of_a_name(raw: str, name: str) -> None:
    assert clean_name(raw) == name


def test_a_two_word_name_with_another_first_name_is_not_the_officeholder():
    text = (
        "Robert Costa of The Washington Post shared news of a meeting. Costa said the senator "
        "praised Israel."
    )
    assert all("PT" not in sides for _, sides, _ in _found(text, None))


def test_the_first_word_after_an_agency_dateline_is_no_name():
    text = (
        "Havana, Cuba (CNN)Photos published on Monday show Fidel Castro meeting with five Cuban "
        "agents who served sentences in the United States. Obama spoke."
    )
    assert not _found(text, None)


def test_the_time_has_come_for_another_state_to_act_is_an_appeal():
    text = (
        '"The time has come now for Iran in particular to make some very tough decisions," '
        "British Foreign Secretary Philip Hammond said on Tuesday."
    )
    assert ("appeal", ("GB", "IR"), TUESDAY) in _found(text)
    assert not _found("It is time for us to go home, British Foreign Secretary Hammond said.")


def test_an_envoys_act_that_names_no_one_else_is_addressed_to_the_host_state():
    apology = "The North Korean ambassador in Bangladesh issued an apology on Tuesday."
    assert ("message", ("BD", "KP"), TUESDAY) in _found(apology)
    # a warning to the envoy's own citizens concerns no state
    assert not _found("The French Embassy in Bamako warned its citizens on Tuesday to be on alert.")


def test_a_threat_of_reprisals_in_a_two_state_story_is_on_the_other_state():
    row = (
        "The United States and Japan are locked in a dispute over semiconductors. Japanese "
        "officials said Tokyo had kept its side of the pact with the United States. "
    )
    threat = ("threat", ("JP", "US"), None)
    assert threat in _found(row + "Washington has threatened to take retaliatory action.")
    # a warning of no reprisal names no target
    assert threat not in _found(row + "Washington has warned that the pact is fragile.")


def test_a_colon_goes_on_to_list_the_partners_it_counts():
    text = (
        "U.S. President Bill Clinton spoke by phone on Tuesday with five leaders: British Prime "
        "Minister Tony Blair, Irish Prime Minister Bertie Ahern and three others."
    )
    found = _found(text)
    assert ("phone_call", ("GB", "US"), TUESDAY) in found
    assert ("phone_call", ("IE", "US"), TUESDAY) in found
    trip = _found("Chinese Premier Li Peng will visit three countries: Pakistan, India and Nepal.")
    assert {("visit", ("CN", side), None) for side in ("IN", "NP", "PK")} <= trip


def test_partners_after_with_are_not_parties_to_each_other():
    text = (
        "The auctions were suspended because the bank planned a new system after talks with "
        "the World Bank and the International Monetary Fund."
    )
    assert not _found(text)
    with_subject = "Zambia held talks with the World Bank and the International Monetary Fund."
    assert ("negotiation", ("IMF", "WORLDBANK", "ZM"), TUESDAY) in _found(with_subject)


@pytest.mark.parametrize(
    ("text", "sides"),
    [
        ("China decried Japan's decision on Tuesday.", ("CN", "JP")),
        ("The Kremlin hit out at Tokyo on Tuesday.", ("JP", "SU")),
        ("Beijing took aim at the Japanese government on Tuesday.", ("CN", "JP")),
        ("China lambasted Japan on Tuesday.", ("CN", "JP")),
    ],
)
def test_news_verbs_of_criticism(text, sides):
    assert ("criticism", sides, TUESDAY) in _found(text)


def test_a_verb_right_after_and_shares_the_clause_subject():
    found = _found("Soviet leader Gorbachev hosted the Turkish president and criticized NATO.")
    assert ("criticism", ("NATO", "SU"), TUESDAY) in found
    assert ("criticism", ("NATO", "TR"), TUESDAY) not in found


def test_his_after_a_judging_verb_is_the_other_official_named_before():
    text = (
        "U.S. President Ronald Reagan met Japanese Prime Minister Yasuhiro Nakasone on Tuesday "
        "and praised his economic reforms."
    )
    assert ("praise", ("JP", "US"), TUESDAY) in _found(text)
    assert not _found("Japanese Prime Minister Yasuhiro Nakasone praised his cabinet's reforms.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Gas talks between Russia, Ukraine and the European Union will be held in Brussels.",
            ("negotiation", ("EU", "RU", "UA")),
        ),
        (
            "Cuban and U.S. diplomats will hold a third round of talks in Washington.",
            ("negotiation", ("CU", "US")),
        ),
        (
            "Kazakh Prime Minister Karim Massimov is in Beijing. On Tuesday he held talks with "
            "Chinese Premier Li Keqiang, and the two prime ministers signed an agreement.",
            ("negotiation", ("CN", "KZ")),
        ),
        (
            "Jordan's King Abdullah arrived in Cairo on Monday. He and Egyptian President Abdel "
            "Fattah al-Sisi discussed the fight against Islamic State.",
            ("negotiation", ("EG", "JO")),
        ),
        (
            "Turkish Foreign Minister Mevlut Cavusoglu met Prime Minister Haider al-Abadi.",
            ("meeting", ("IQ", "TR")),
        ),
        (
            "German Chancellor Angela Merkel held talks with Prime Minister Shinzo Abe in Tokyo "
            "during her first visit to Japan in seven years.",
            ("visit", ("DE", "JP")),
        ),
        ("Iran's supreme leader lashed out at Washington on Tuesday.", ("criticism", ("IR", "US"))),
        (
            "The water ministers of Egypt, Sudan and Ethiopia reached agreement in Khartoum.",
            ("agreement", ("EG", "ET", "SD")),
        ),
        (
            "In a letter to U.N. Secretary-General Ban Ki-moon, Libya's government asked the world "
            "body to help lift the arms embargo.",
            ("appeal", ("LY", "UN")),
        ),
        (
            "Moscow expelled an Estonian diplomat after Tallinn's expulsion of a Russian consul.",
            ("sanctions", ("EE", "RU")),
        ),
        (
            "A visit to Beijing by South Korea's defence minister, scheduled for next week, has "
            "been postponed.",
            ("visit_cancelled", ("CN", "KR")),
        ),
        (
            "The U.N. Security Council met on Somalia. The 15-member council praised Somalia's "
            "government for its progress.",
            ("praise", ("SO", "UNSC")),
        ),
        (
            "Obama phoned Afghan President Ashraf Ghani on Monday and thanked him for his efforts "
            "to improve relations with Pakistan.",
            ("praise", ("AF", "US")),
        ),
        (
            "Hollande received Egyptian President Abdel Fattah al-Sisi on Monday. Sisi is on a "
            "three-day visit to France.",
            ("visit", ("EG", "FR")),
        ),
        (
            "IMF Managing Director Christine Lagarde met Ukraine's finance minister on Monday. "
            "Afterwards she praised Kiev's reform programme.",
            ("praise", ("IMF", "UA")),
        ),
        (
            "Japan's foreign minister held separate talks in Tokyo on Monday with his "
            "counterparts from Indonesia and Malaysia.",
            ("negotiation", ("JP", "MY")),
        ),
        (
            "North Korea fired missiles on Tuesday. The South's defence ministry condemned the "
            "North's launches.",
            ("criticism", ("KP", "KR")),
        ),
    ],
)
def test_sides_and_acts_of_everyday_reports(text, expected):
    published = date(2015, 3, 10)  # the officials named held office then
    assert expected in {(e.type, e.sides) for e in extract_events(text, published=published)}


@pytest.mark.parametrize(
    "text",
    [
        "Kazakhstan offered to host the next round of talks between the Syrian government and "
        "the opposition.",
        "The U.S. Chamber of Commerce urged China on Tuesday to drop new rules.",
        "The dispute in the South China Sea worsened. The North Atlantic alliance said it met.",
        "The United States and Japan are in a chip dispute. Japanese officials said Tokyo kept "
        "the pact. U.S. Federal Reserve Chairman Paul Volcker warned that a new bill could lead "
        "to retaliation against U.S. firms.",
    ],
)
def test_no_act_between_states(text):
    assert not _found(text)


@pytest.mark.parametrize(
    ("text", "sides"),
    [
        (
            '"If Russia breaks the ceasefire, the European Union will respond with tougher '
            'sanctions," European Council President Donald Tusk said on Monday.',
            ("EU", "RU"),
        ),
        (
            '"If the United States continues its hostile policy, we will take strong '
            "countermeasures,\" a spokesman for North Korea's foreign ministry said.",
            ("KP", "US"),
        ),
        (
            "South Korea's defence ministry said it would respond sternly to any provocation by "
            "North Korea.",
            ("KP", "KR"),
        ),
    ],
)
def test_a_threat_with_its_condition_is_on_the_one_the_condition_names(text, sides):
    found = {(e.type, e.sides) for e in extract_events(text, published=date(2015, 3, 10))}
    assert ("threat", sides) in found
    assert ("criticism", sides) not in found  # "hostile policy" is said in the threat


def test_a_threat_inside_a_condition_is_hypothetical():
    assert not _found("If Iran threatened Saudi Arabia, the war would spread.")


def test_a_bare_office_after_the_verb_is_its_holder_named_before():
    text = (
        "Australian Prime Minister Tony Abbott wrote to Indonesian President Joko Widodo. In the "
        "letter, he asked the president to spare the lives of two Australians."
    )
    found = {(e.type, e.sides) for e in extract_events(text, published=date(2015, 3, 10))}
    assert ("appeal", ("AU", "ID")) in found


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        (
            "The European Community accused Japan on Tuesday of dumping cheap printers.",
            TUESDAY,
            ("accusation", ("EC", "JP")),
        ),
        (
            "Slovakia has declared a Russian diplomat persona non grata.",
            date(2019, 6, 11),
            ("sanctions", ("RU", "SK")),
        ),
        (
            "Australia banned imports of South African coal, iron and steel on Tuesday.",
            TUESDAY,
            ("sanctions", ("AU", "ZA")),
        ),
        (
            "The African Union suspended Sudan from all AU activities with immediate effect.",
            date(2019, 6, 11),
            ("sanctions", ("AFRICAN_UNION", "SD")),
        ),
        (
            "EC Commissioner Willy De Clercq told U.S. Trade Representative Clayton Yeutter the "
            "Community would hit back immediately if Congress passed the textile bill.",
            TUESDAY,
            ("threat", ("EC", "US")),
        ),
        (
            "Israeli Prime Minister Yitzhak Shamir telephoned Secretary of State George Shultz on "
            "Monday to ask him to press Soviet leaders on emigration.",
            TUESDAY,
            ("appeal", ("IL", "US")),
        ),
        (
            "Brazilian President Jair Bolsonaro was received at the Casa Rosada by President "
            "Mauricio Macri on Monday.",
            date(2019, 6, 11),
            ("meeting", ("AR", "BR")),
        ),
        (
            "President Donald Trump will meet Chinese President Xi Jinping on the sidelines of the "
            "Group of 20 summit in Osaka.",
            date(2019, 6, 11),
            ("meeting", ("CN", "US")),
        ),
    ],
)
def test_acts_of_1987_and_2019_wire_copy(text, published, expected):
    found = {(e.type, e.sides) for e in extract_events(text, published=published)}
    assert expected in found
    assert not any("G20" in sides for _, sides in found)  # a summit that is only the venue


def test_an_adjective_of_support_is_no_praise():
    text = "Nicaragua accused Honduras of allowing U.S.-backed Contra rebels to launch raids."
    assert ("praise", ("NI", "US"), TUESDAY) not in _found(text)


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        (
            "The African Union's Peace and Security Council suspended Sudan from all AU "
            "activities.",
            date(2019, 6, 11),
            ("sanctions", ("AFRICAN_UNION", "SD")),
        ),
        (
            "Saudi Arabia's Minister of State for Foreign Affairs Adel al-Jubeir accused Iran on "
            "Tuesday of ordering last month's drone attacks on Saudi oil stations.",
            date(2019, 6, 11),
            ("accusation", ("IR", "SA")),
        ),
        (
            "Brazilian Finance Minister Dilson Funaro met IMF Managing Director Michel Camdessus "
            "on Monday and thanked the Fund for its understanding.",
            TUESDAY,
            ("praise", ("BR", "IMF")),
        ),
        (
            "Australian Primary Industry Minister John Kerin arrived in Tokyo on Monday. He met "
            "Japanese Agriculture Minister Mutsuki Kato and called on Japan to scrap its quotas.",
            TUESDAY,
            ("appeal", ("AU", "JP")),
        ),
        (
            "An International Monetary Fund mission arrived in Warsaw on Monday for talks.",
            TUESDAY,
            ("visit", ("IMF", "PL")),
        ),
        (
            "The Chinese delegation, led by Vice Foreign Minister Qian Qichen, arrived in the "
            "Soviet capital last night.",
            TUESDAY,
            ("visit", ("CN", "SU")),
        ),
    ],
)
def test_bodies_pronouns_and_dates_around_the_act(text, published, expected):
    found = {(e.type, e.sides) for e in extract_events(text, published=published)}
    assert expected in found
    assert not any("UNSC" in sides for _, sides in found)


def test_an_act_dated_last_month_by_a_possessive_is_background():
    text = "Last month's visit to Budapest by Russian President Vladimir Putin drew protests."
    assert not _found(text, date(2019, 6, 11))


def test_a_quote_said_by_he_is_the_official_named_before():
    text = (
        "NATO Secretary General Jens Stoltenberg called on Russia on Tuesday to destroy its "
        'missiles. "Russia is in violation of the treaty," he told reporters in Brussels.'
    )
    found = {(e.type, e.sides) for e in extract_events(text, published=date(2019, 6, 11))}
    assert ("accusation", ("NATO", "RU")) in found


def test_him_in_a_later_sentence_is_the_other_official_named_before():
    text = (
        "West German Foreign Minister Hans-Dietrich Genscher telephoned George Shultz, the "
        "American Secretary of State, on Sunday. Genscher urged him to take account of European "
        "worries about missiles."
    )
    assert ("appeal", ("DE", "US")) in {(e.type, e.sides) for e in extract_events(text)}


def test_a_letter_whose_content_is_coded_is_no_message_besides():
    text = (
        "Japanese Trade Minister Hajime Tamura has written to U.S. Commerce Secretary Malcolm "
        "Baldrige. In the letter he asked Washington to hold off any retaliation."
    )
    found = {(e.type, e.sides) for e in extract_events(text, published=TUESDAY)}
    assert ("appeal", ("JP", "US")) in found
    assert ("message", ("JP", "US")) not in found


def test_an_aside_on_the_speakers_own_visit_is_invisible_to_the_verb():
    text = (
        "German Chancellor Angela Merkel, on her first visit to Japan in seven years, urged "
        "Tokyo on Monday to confront its wartime past."
    )
    found = {(e.type, e.sides) for e in extract_events(text, published=date(2015, 3, 10))}
    assert ("appeal", ("DE", "JP")) in found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Australian Trade Minister Don Farrell and Chinese Commerce Minister Wang Wentao held "
            '"frank" talks in Beijing on Friday.',
            ("negotiation", ("AU", "CN")),
        ),
        (
            "Kinshasa, Democratic Republic of Congo (CNN)Congo's government accused neighboring "
            "Rwanda on Monday of backing the rebels.",
            ("accusation", ("CD", "RW")),
        ),
        (
            "The head of the U.N. nuclear watchdog urged Iran on Monday to speed up its "
            "cooperation with the investigation.",
            ("appeal", ("IAEA", "IR")),
        ),
        (
            "Chinese Foreign Minister Wang Yi took a swipe at Japan on Sunday.",
            ("criticism", ("CN", "JP")),
        ),
    ],
)
def test_quoted_words_and_a_form_two_states_share(text, expected):
    found = {(e.type, e.sides) for e in extract_events(text, published=date(2023, 5, 16))}
    assert expected in found


def test_a_countrys_opposition_party_is_no_state():
    text = "Turkey's main opposition Republican People's Party accused Russia of meddling."
    assert not _found(text, date(2023, 5, 16))


def test_the_one_warned_of_consequences_is_no_threatener():
    text = (
        'Iran warned Kuwait it would face "dire consequences" if it let U.S. warships escort its '
        "oil tankers through the Gulf."
    )
    found = {(e.type, e.sides) for e in extract_events(text, published=TUESDAY)}
    assert ("threat", ("IR", "KW")) in found
    assert ("threat", ("KW", "US")) not in found


def test_a_verb_after_comma_and_ends_the_partner_list_and_keeps_the_subject():
    text = (
        "In Moscow, Russian Foreign Minister Sergey Lavrov held talks with his Slovak counterpart "
        "Miroslav Lajcak, and afterward accused Kiev of sabotaging the Minsk agreements."
    )
    found = {(e.type, e.sides) for e in extract_events(text, published=date(2015, 3, 10))}
    assert {("negotiation", ("RU", "SK")), ("accusation", ("RU", "UA"))} <= found
    assert ("negotiation", ("RU", "SK", "UA")) not in found


def test_a_historic_visit_is_no_praise():
    text = (
        "Egyptian President Abdel Fattah el-Sisi flew to Riyadh on Sunday for his first meeting "
        'with Saudi Arabia\'s King Salman, a visit Egyptian state media described as "historic."'
    )
    found = {(e.type, e.sides) for e in extract_events(text, published=date(2015, 3, 10))}
    assert ("praise", ("EG", "SA")) not in found


def test_a_year_something_began_in_does_not_date_the_act():
    text = (
        "Bahrain and Qatar have agreed to restore diplomatic relations, ending a rift that began "
        "in 2017, the two countries said in a joint statement."
    )
    found = {(e.type, e.sides) for e in extract_events(text, published=date(2023, 5, 16))}
    assert ("agreement", ("BH", "QA")) in found
    assert not _found("Bahrain and Qatar agreed in 2017 to restore relations.", date(2023, 5, 16))


def test_severing_ties_and_expelling_diplomats_are_two_sanctions():
    text = (
        "Saudi Arabia announced on Sunday that it was severing ties with Iran. The Saudi "
        "foreign minister said Iranian diplomats had 48 hours to leave the kingdom."
    )
    events = extract_events(text, published=date(2016, 1, 3))
    assert [(e.type, e.sides) for e in events] == [("sanctions", ("IR", "SA"))] * 2


def test_an_appeal_to_one_state_then_to_both_is_one_appeal_to_both():
    text = (
        "Armenia accused Azerbaijan on Monday of shelling border villages. The European Union "
        "called on Baku to withdraw its troops and urged both countries to resume talks."
    )
    events = extract_events(text, published=date(2015, 3, 10))
    appeals = [e.sides for e in events if e.type == "appeal"]
    assert appeals == [("AM", "AZ", "EU")]


def test_the_european_common_market_is_the_community():
    text = (
        'U.S. Trade Representative Clayton K. Yeutter warned on Tuesday of "confrontation" '
        "with the European Common Market if it refuses to cut its farm subsidies."
    )
    found = {(e.type, e.sides) for e in extract_events(text, published=date(1988, 10, 19))}
    assert ("threat", ("EC", "US")) in found


def test_he_after_a_sentence_opened_by_an_unplaced_person_is_not_the_last_leader():
    text = (
        "Russian President Vladimir Putin says he has no plans to invade. "
        "Vice President Joe Biden is touring the region. "
        "Biden plans to make the case that the alliance stands ready. "
        "He offered a similar message Tuesday during meetings with leaders in Poland."
    )
    events = extract_events(text, published=date(2014, 3, 19))
    assert ("meeting", ("PL", "RU")) not in {(e.type, e.sides) for e in events}


def test_leaders_in_a_countrys_backyard_are_not_its_rulers():
    text = "Leaders in Russia's backyard on Tuesday urged NATO to send more troops."
    found = {(e.type, e.sides) for e in extract_events(text, published=date(2014, 3, 19))}
    assert ("appeal", ("NATO", "RU")) not in found


def test_messages_sent_to_several_leaders_are_one_to_each():
    text = "Kuwait's emir sent messages to the leaders of Saudi Arabia and Egypt on Tuesday."
    events = extract_events(text, published=date(2017, 8, 15))
    assert sorted(e.sides for e in events if e.type == "message") == [("EG", "KW"), ("KW", "SA")]


def test_an_appeal_for_calm_that_names_no_one_is_to_the_storys_two_states():
    text = (
        "Russian troops took control of Crimea on Saturday, Ukraine said. U.N. Secretary-General "
        "Ban Ki-moon on Saturday called for an immediate restoration of calm."
    )
    events = extract_events(text, published=date(2014, 3, 1))
    assert ("appeal", ("RU", "UA", "UN")) in {(e.type, e.sides) for e in events}
