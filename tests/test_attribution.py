"""Who said each quote, one construction per test, on sentences written for the test."""

from __future__ import annotations

from nkhr.extract.names import load_lexicon
from nkhr.extract.quotes import extract, sentence_speakers
from nkhr.ingest import ingest_text
from nkhr.ingest.read import RawText


def _analyze(text: str):
    doc = ingest_text(RawText("t", "t.txt", "", "utf-8", "A report.\n\n" + text))
    return doc, extract(doc, load_lexicon())


def _name(people, cluster: int) -> str | None:
    if cluster < 0:
        return None
    p = people.persons[cluster]
    return p.names[0] if p.names else None


def speakers(text: str) -> dict[str, str | None]:
    """Each quote's first words -> the first name of its speaker (None: nobody)."""
    doc, people = _analyze(text)
    return {" ".join(doc.text[q.start:q.end].split()[:3]): _name(people, q.cluster) for q in people.quotes}


def reporters(text: str) -> dict[str, str | None]:
    """Each sentence's first words -> whose speech it reports (None: the narrator's)."""
    doc, people = _analyze(text)
    owners = sentence_speakers(doc, people, load_lexicon())
    return {" ".join(doc.text[s:e].split()[:3]): _name(people, o)
            for s, e, o in zip(doc.sent_start, doc.sent_end, owners, strict=True)}


def test_a_name_ending_in_ly_is_no_adverb():
    assert speakers('Her husband, the pilot Mark Dorly, joined her.\n\n'
                    '"We are ready," Dorly said.') == {"We are ready,": "Mark Dorly"}


def test_a_participle_after_the_quote_takes_an_object_not_a_speaker():
    assert speakers('Senator Ann Polter praised the plan as "a fine start," telling reporters on Friday that '
                    'more was needed.') == {"a fine start,": "Ann Polter"}


def test_a_capitalized_speech_verb_inside_a_title_is_no_verb():
    assert speakers('"We were never told," former State policy director Joan Vessel said.') == \
        {"We were never": "Joan Vessel"}


def test_a_cue_after_a_clause_ends_the_sentence_inverted_with_an_apposition():
    assert speakers('"It would be a setback" if the vote failed, said Dara Quill, an analyst at the '
                    'Center for Maritime Law.') == {"It would be": "Dara Quill"}


def test_a_cue_after_a_clause_ends_the_sentence_with_phrases_after_the_verb():
    assert speakers('The plan has "stalled" and the talks have faded, Omar Teller, the region\'s '
                    'envoy-at-large, said in an interview with a local paper on Friday.') == {"stalled": "Omar Teller"}


def test_a_sentence_ending_in_a_cue_reports_that_speaker():
    assert reporters('The abuses are the next target of the campaign, Omar Teller said on Thursday.') == \
        {"A report.": None, "The abuses are": "Omar Teller"}


def test_a_cue_after_a_clause_with_an_addressee_ends_the_sentence():
    assert speakers('"The camps are full," the envoy for the region, Omar Teller, told the council in '
                    'Vienna on Monday.') == {"The camps are": "Omar Teller"}



def test_a_family_name_with_an_apposition_that_introduces_someone_new_is_a_new_person():
    assert speakers('The rally honored President Park Sung-ho, the nation\'s leader.\n\n'
                    '"We were told to fight," said Park, a 30-year-old former sailor who fled in 2021.\n\n'
                    '"Nobody came back," he added.') == {"We were told": "Park", "Nobody came back,": "Park"}


def test_a_definite_description_refers_to_the_institution_whose_name_it_echoes():
    text = ('Harbor Rights Alliance said on Monday that the detainees were moved.\n\n'
            'Its director, Tomas Ebert, said, "We know where they are."\n\n'
            'The director added that families were not told.\n\n'
            'The alliance counted forty cases.\n\n'
            'The rights group said it has "no firm numbers" for the rest.')
    assert speakers(text)["no firm numbers"] == "Harbor Rights Alliance"


def test_the_document_refers_to_whoever_issued_it():
    text = ('In a long commentary on Monday, the state newspaper Harbor Daily accused the envoys of lying.\n\n'
            'The Port Authority said the ships had left.\n\n'
            'The commentary demanded an end to the "campaign of lies" at once.')
    assert "Harbor Daily" in speakers(text)["campaign of lies"]


def test_the_report_is_the_institution_that_spoke():
    text = ('The regional rights office has accused the government of starving its people.\n\n'
            'The report is based on interviews with 200 witnesses.\n\n'
            'While families go hungry, the report says "large sums" go to the army.')
    assert speakers(text)["large sums"] == "regional rights office"


def test_a_speech_verb_inside_a_quoted_title_does_not_end_the_search():
    assert reporters('In an essay titled "what the harbor said to us," Mona Brill argued that the port should close.') == \
        {"A report.": None, "In an essay": "Mona Brill"}


def test_a_name_that_starts_with_a_common_word_is_a_name():
    assert speakers('"It is a costly model," said Will Dorner, a professor of economics at the state '
                    'university.') == {"It is a": "Will Dorner"}


def test_a_speaker_can_open_a_bracket():
    assert speakers('Historians agree on this (Rena Valk, who wrote the standard history, once said, "It was not '
                    'the first time").') == {"It was not": "Rena Valk"}


def test_a_speaker_can_be_the_subject_of_a_relative_clause():
    assert speakers('They described the plight of miners whom the special investigator Rena Valk said have been living in '
                    '"complete silence" since 2020.') == {"complete silence": "Rena Valk"}


def test_a_cue_set_off_by_commas_inside_the_sentence_names_the_speaker_after_the_verb():
    assert speakers('The irony, says Paula Kremer, a historian at the state archive, is that he was "the most '
                    'careful of them all."') == {"the most careful": "Paula Kremer"}


def test_two_titles_joined_by_and_name_one_person():
    assert speakers('"He is back," said former Oregon Gov. and party Chairman Dale Horvath.') == \
        {"He is back,": "Dale Horvath"}
    assert speakers('Former prosecutor and Seaview Mayor Dale Horvath, who backs the plan, praised it on the '
                    'radio, calling it a "no-brainer."') == {"no-brainer.": "Dale Horvath"}


def test_the_agent_of_a_passive_speech_verb_speaks():
    assert speakers('Senator Ann Polter was asked by moderator Jo Farrow whether the bill would be '
                    '"a new tax on boats."') == {"a new tax": "Jo Farrow"}


def test_a_question_after_asked_is_no_speaker():
    assert speakers('Asked why the agency had waited, Ann Polter replied, "We had no choice."') == \
        {"We had no": "Ann Polter"}


def test_a_description_then_a_name_in_apposition_is_the_named_person():
    assert speakers('"We will vote," said the union\'s director, Jo Farrow, on Monday.') == {"We will vote,": "Jo Farrow"}


def test_a_word_that_is_more_often_a_noun_is_no_speech_verb():
    assert speakers('"We have a plan," Harbor Council press secretary Ana Colt said.') == {"We have a": "Ana Colt"}
    assert speakers('Ana Colt posted an online comment of her own, saying, "We are thrilled."') == \
        {"We are thrilled.": "Ana Colt"}


def test_a_phrase_between_the_name_and_the_verb_is_skipped():
    assert speakers('The break was complete when Ana Colt in her first speech called the rivals "thieves."') == \
        {"thieves.": "Ana Colt"}


def test_a_speech_verb_inside_a_hyphenated_compound_is_no_verb():
    text = "Gov. Ana Colt praised Mr. Brand in her state-of-the-state address."
    assert [v.group() for v in load_lexicon().verb_re.finditer(text)] == ["praised"]


def test_the_object_of_a_verb_speaks_the_infinitive_after_it():
    assert speakers('The post spread fast, leading campaign advisers like Ana Colt to counter that "the money '
                    'went to the banks."') == {"the money went": "Ana Colt"}
    assert speakers('Dale Horvath took to the radio to call the plan "a fantasy."') == {"a fantasy.": "Dale Horvath"}
    assert speakers('Dale Horvath urged Jo Farrow to "respect the law."') == {"respect the law.": "Dale Horvath"}


def test_a_possessive_speech_noun_gives_the_quote_to_its_owner():
    assert speakers('Paula Varro taught there for years; Varro\'s dictum to his students was, "Check every '
                    'name twice."') == {"Check every name": "Paula Varro"}
    assert speakers('Critics cite Dale Horvath\'s recent assertion that "hundreds" cheered.') == \
        {"hundreds": "Dale Horvath"}


def test_according_to_inside_the_sentence_names_the_speaker():
    assert speakers('For the mayor, according to party chairman Dale Horvath, the vote is "a real test" of '
                    'her strength.') == {"a real test": "Dale Horvath"}
    assert reporters('For the mayor, according to Dale Horvath, the vote is a test.')["For the mayor,"] == \
        "Dale Horvath"


def test_an_aside_between_commas_and_a_verb_then_by_are_no_passive():
    assert speakers('Dale Horvath, however, interjected by hitting Ana Colt for trying to "buy the election."') == \
        {"buy the election.": "Dale Horvath"}


def test_a_verb_between_two_names_ends_the_first_noun_phrase():
    assert speakers('Dale Horvath hammered Ana Colt, calling her a "disaster."') == {"disaster.": "Dale Horvath"}


def test_a_definite_description_prefers_the_institution_named_to_an_earlier_description():
    text = ('A rights organization wants the port to "free the crews."\n\n'
            'Harbor Rights Alliance said the crews were held.\n\n'
            'The rights organization said it counted forty cases.\n\n'
            'The rights group said it has "no firm numbers" for the rest.')
    assert speakers(text)["no firm numbers"] == "Harbor Rights Alliance"


def test_a_state_after_a_city_is_no_subject():
    assert speakers('At a rally in Dorton, Alabama, on Saturday, fans cheered, with Dale Horvath reportedly '
                    'yelling: "Go home now!"') == {"Go home now!": "Dale Horvath"}
    assert speakers('In Dorton, Alabama, crowds cheered the "new plan" all day.') == {"new plan": None}


def test_a_name_and_a_full_stop_before_a_quote_is_no_clause():
    assert speakers('He lives in Dorton, Ore. ". . . and we want someone new."') == {". . .": None}


def test_a_noun_phrase_the_verb_follows_after_the_quote_may_open_with_a_modifier():
    assert speakers('"We never talked about it," councilmember Dale Horvath said.') == \
        {"We never talked": "Dale Horvath"}


def test_an_ordinal_inside_a_title_keeps_the_title_going():
    assert speakers('"We hoped for more," said Air Force 1st Lt. Dale Horvath.') == {"We hoped for": "Dale Horvath"}


def test_an_age_before_a_name_still_leaves_it_the_subject():
    text = '81-year-old Dale Horvath, a retired farmer, said of the candidates:\n\n"He is the one."'
    assert speakers(text) == {"He is the": "Dale Horvath"}


def test_a_possessive_with_a_capitalized_word_before_the_speech_noun():
    assert speakers('From Dale Horvath\'s Facebook post: "We must move on."') == {"We must move": "Dale Horvath"}


def test_as_someone_put_it():
    assert speakers('As Dale Horvath, the party whip, put it: "This will not pass."') == {"This will not": "Dale Horvath"}


def test_a_speech_noun_before_a_colon_introduces_the_next_paragraph():
    text = ('When the bridge fell, Mayor Dale Horvath released the following statement:\n\n'
            '"We grieve with every family."')
    assert speakers(text) == {"We grieve with": "Dale Horvath"}


def test_a_two_word_state_after_a_city_in_an_apposition_is_no_name():
    assert speakers('Dale Horvath, a 55-year-old farmer from Dorton, South Arland, says the mayor will '
                    '"win easily."') == {"win easily.": "Dale Horvath"}


def test_a_verb_after_an_apposition_is_not_inverted():
    assert speakers('Former governor Dale Horvath, a party elder, praised Ana Colt for her work, calling it '
                    '"a great job."') == {"a great job.": "Dale Horvath"}


def test_a_capitalized_will_after_a_quote_is_a_name():
    text = ('Columnist Jane Will renewed her feud with the mayor.\n\n'
            'Citing the fire, "a warning for the whole city," Will urged the council to act.')
    assert speakers(text) == {"a warning for": "Jane Will"}


def test_that_before_a_name_is_a_conjunction():
    assert speakers('The debate grew so heated that Gov. Dale Horvath said, "We need a break."') == \
        {"We need a": "Dale Horvath"}


def test_the_verb_forms_of_words_more_often_nouns_are_still_verbs():
    assert speakers('Critics piled on, with Dale Horvath tweeting that it was a "mistake" for the city.') == \
        {"mistake": "Dale Horvath"}


def test_who_is_opens_a_relative_clause_in_an_apposition():
    assert speakers('It was years ago that Dale Horvath, who\'s thinking about running, said it was '
                    '"out of reach."') == {"out of reach.": "Dale Horvath"}


def test_a_participial_aside_between_commas_is_skipped():
    assert speakers('But Sen. Dale Horvath (D-Ore.), citing the size of the hall, said, "He can help us."') == \
        {"He can help": "Dale Horvath"}


def test_a_name_with_a_lower_case_particle_can_be_the_subject():
    assert speakers('Mayor Bill van Doorn met them. If the rival agreed, van Doorn tweeted, "We can meet then."') == \
        {"We can meet": "Bill van Doorn"}


def test_a_spaced_hyphen_is_a_dash_between_clauses():
    assert speakers('In May - four months after she left - the ministry told the panel that "no records were '
                    'found."') == {"no records were": "ministry"}


def test_a_quote_signed_with_a_dash_in_the_next_paragraph():
    text = 'We checked the claims.\n\n"Rents rose again this year."\n\n- Dale Horvath.\n\nThe claim is close.'
    assert speakers(text) == {"Rents rose again": "Dale Horvath"}


def test_a_sentence_that_is_only_a_cue_after_a_quote_that_ended_its_sentence():
    assert speakers('"We will find them, one by one." Dale Horvath said.') == \
        {"We will find": "Dale Horvath"}
    assert speakers('"The plan is unhinged." Dale Horvath called it a fraud.')["The plan is"] is None


def test_an_inverted_cue_that_ends_the_sentence_may_have_several_appositions():
    assert speakers('"We are thrilled" about the vote, said Ana Colt, director of the Harbor Union, a union '
                    'that has backed the mayor for years and endorsed her again.') == {"We are thrilled": "Ana Colt"}


def test_a_newspaper_named_by_its_usual_last_word_speaks():
    text = 'Most donors gave small sums.\n\nThe Harbor Valley Times reports:\n\n"Few gave more than ten dollars."'
    assert speakers(text) == {"Few gave more": "Harbor Valley Times"}


def test_an_institution_of_people_is_no_person():
    assert speakers('In a statement, the Association of Harbor Pilots called the mayor "a true friend."') == \
        {"a true friend.": "Association of Harbor Pilots"}


def test_a_title_word_after_a_given_name_is_a_family_name():
    text = ('"Every vote counts," said Tomas King, a party organizer.\n\n'
            '"We need more volunteers," Mr. King added.')
    assert speakers(text) == {"Every vote counts,": "Tomas King", "We need more": "Tomas King"}


def test_a_place_word_after_a_given_name_is_a_family_name():
    text = ('"The vote was close," said Stefan Law, a party organizer.\n\n'
            '"We need more volunteers," Law added. "It is over," Paul West said.')
    assert speakers(text) == {"The vote was": "Stefan Law", "We need more": "Stefan Law",
                              "It is over,": "Paul West"}


def test_an_unclosed_quotation_after_a_speech_verb_runs_to_the_paragraph_end():
    text = ('The envoy Dara Quill spoke for an hour. Quill told the committee \u201cWe should weigh every '
            'option again. Once the talks resume, I believe we will need to\n\n'
            'The hearing adjourned. The plan had a \u201cBig future in the region.\n\nIt ended.')
    assert speakers(text) == {"We should weigh": "Dara Quill"}


def test_a_single_quotation_mark_closed_by_a_double_one_is_a_quote():
    assert speakers('The envoy Dara Quill dismissed the report as \'a tissue of rumours and guesses" before she '
                    'left the hall. Her \'new\' aide gave "a short talk" later.').keys() == \
        {"a tissue of", "a short talk"}  # 'new' aide gave ": no quote across a closed one
    assert speakers('The envoy Dara Quill dismissed the report as \'a tissue of rumours and guesses" before she '
                    'left the hall.') == {"a tissue of": "Dara Quill"}


def test_a_name_with_a_long_affiliation_before_the_verb_after_the_quote():
    assert speakers('"The test would be a stretch for them," Lena Ostrova of the Eastern Center for Maritime '
                    'Studies wrote in March.') == {"The test would": "Lena Ostrova"}


def test_an_age_then_a_second_apposition_before_the_verb():
    assert speakers('"We need more boats," Tomas Ferrer, 58, of Port Alva, said on Monday. '
                    '"It is late," Ana Ruiz, 41, a fisher, told reporters.') == \
        {"We need more": "Tomas Ferrer", "It is late,": "Ana Ruiz"}


def test_an_apposition_may_open_with_a_possessive():
    assert speakers('Even Marovia, Dorland\'s only ally and its lifeline to the world, said it was "strongly '
                    'against" the test.') == {"strongly against": "Marovia"}


def test_according_to_at_the_end_of_the_sentence():
    assert speakers('The mayor was greeted with chants of "Jo, Jo!" at a conference last month, according to '
                    'union president Dale Horvath.') == {"Jo, Jo!": "Dale Horvath"}


def test_a_description_named_after_it_is_the_person_named():
    assert speakers('"No order was ever given," said the station chief known as Rolf, speaking for the first time.') \
        == {"No order was": "Rolf"}


def test_the_doer_of_a_participle_speaks_its_infinitive():
    assert speakers('The campaign denied it, with Dale Horvath taking to the radio to call the reporter '
                    '"plainly wrong."') == {"plainly wrong.": "Dale Horvath"}


def test_an_institution_before_a_participle_speaks():
    assert speakers('Unions backed her early, with the Federation of Harbor Pilots calling her "a true friend '
                    'of pilots."') == {"a true friend": "Federation of Harbor Pilots"}


def test_a_speech_verb_after_a_determiner_or_possessive_is_a_noun():
    text = "Dale Horvath called Ana Colt's remarks a new low; his claim was that she said nothing."
    assert [v.group() for v in load_lexicon().verb_re.finditer(text)] == ["called", "said"]


def test_a_name_that_modifies_a_noun_is_no_antecedent():
    text = ('Senator Dale Horvath spoke on Monday.\n\n'
            'Horvath spokesman Tom Brill said the senator has "clear rules," he said.')
    assert speakers(text) == {"clear rules,": "Tom Brill"}


def test_a_document_named_after_its_author_and_a_relative_clause():
    assert speakers('It was the tenth anniversary of the Harbor Review Board report, which highlighted '
                    'the "grave and lasting abuses" by the regime.') == \
        {"grave and lasting": "Harbor Review Board"}
    assert speakers('It marked a year since the Harbor Review Board report on the camps, which highlighted '
                    'the "grave and lasting abuses" there.') == \
        {"grave and lasting": "Harbor Review Board"}


def test_a_name_ending_in_an_accented_letter_before_the_verb():
    assert speakers('"We cannot wait," union president Lily Ortega García said.') == \
        {"We cannot wait,": "Lily Ortega García"}


def test_as_someone_said_after_the_quote():
    assert speakers('The fact that the race "is wide open," as Dale Horvath said on the radio, raises the stakes.') \
        == {"is wide open,": "Dale Horvath"}


def test_an_auxiliary_and_only_between_the_speaker_and_the_verb():
    assert speakers('The date was so odd that a spokesman for the mayor could only quip: "The hall was full."') == \
        {"The hall was": "spokesman for the mayor"}


def test_a_verb_after_and_takes_the_subject_of_its_clause():
    assert speakers('There were pointed jabs, such as when Dale Horvath faulted Ana Colt on taxes and called her '
                    '"reckless."') == {"reckless.": "Dale Horvath"}


def test_what_someone_called():
    assert speakers('A third would be what Dale Horvath called a "wait and see, then act" approach.') == \
        {"wait and see,": "Dale Horvath"}


def test_a_name_after_the_quote_keeps_its_verb_across_an_apposition_without_its_closing_comma():
    assert speakers('"The port stays shut," Dara Quill, who heads the Marovia Trust wrote in an '
                    'email.') == {"The port stays": "Dara Quill"}
    assert speakers('"We had more," Tamsin Vell, 52, of Dorton, who joined the crew in May, told the '
                    'radio.') == {"We had more,": "Tamsin Vell"}
    assert speakers('"We had more," Tamsin Vell, deputy minister for ports, ships, and harbors, said '
                    'at the pier.') == {"We had more,": "Tamsin Vell"}


def test_a_name_between_the_quote_and_the_verb_after_a_comma_is_the_verbs_own_subject():
    assert speakers('The ship was built "as a gift to" Tamsin Vell, Dara Quill wrote.') == \
        {"as a gift": "Dara Quill"}


def test_a_name_before_of_the_institution_is_the_speaker_not_the_institution():
    assert speakers('Dara Quill of the Marovia Trust said, "The nets are empty."') == \
        {"The nets are": "Dara Quill"}
    assert speakers('Yet as Canon Omar Teller of the Marovian Chapel of Dorton told the radio, '
                    '"The nets are empty."') == {"The nets are": "Omar Teller"}
    assert speakers('The Foreign Ministry of the Marovian Republic said, "The nets are empty."') == \
        {"The nets are": "Foreign Ministry of the Marovian Republic"}


def test_a_party_in_brackets_then_a_comma_before_the_verb_keeps_the_name():
    assert speakers('At the harbor on Sunday, Gov. Dara Quill (R-Ore.), said, "The boats sail at dawn."') == \
        {"The boats sail": "Dara Quill"}


def test_according_to_before_a_colon_introduces_the_quote():
    assert speakers('According to the Marovia Ledger: "The mayor kept the harbor closed for weeks."') == \
        {"The mayor kept": "Marovia Ledger"}


def test_a_name_right_before_the_colon_speaks_when_the_subject_cannot():
    assert speakers('The storm did not shock forecaster Dara Quill: "Warm water feeds such winds."') == \
        {"Warm water feeds": "Dara Quill"}


def test_an_indefinite_pronoun_alone_before_the_verb_is_an_unnamed_speaker():
    assert speakers('Another wrote, "The ferry is late again."') == {"The ferry is": "Another"}
    assert speakers('Several said they would rather sail "with the tide."') == {"with the tide.": "Several"}


def test_an_age_before_the_role_noun_is_part_of_the_speakers_noun_phrase():
    assert speakers('"The nets were cut," said 41-year-old activist Dara Quill.') == {"The nets were": "Dara Quill"}
    assert speakers('"The nets were cut," 41-year-old activist Dara Quill said.') == {"The nets were": "Dara Quill"}


def test_a_name_ending_in_jr_before_a_party_in_brackets_is_the_speaker():
    assert speakers('"We must be careful," said Sen. Dara P. Quill Jr. (D-Ore.), a harbor backer.') == \
        {"We must be": "Dara P. Quill Jr"}


def test_reacted_after_the_quote_is_a_cue():
    assert speakers('"Is the mayor asleep?" reacted Dara Quill.') == {"Is the mayor": "Dara Quill"}


def test_a_speech_noun_and_a_comma_before_the_quote_give_it_to_the_sentences_subject():
    assert speakers('Right after the storm, Dara Quill issued a statement, "Our harbor was hit."') == \
        {"Our harbor was": "Dara Quill"}


def test_a_passive_cue_with_by_after_the_quote_names_the_agent():
    assert speakers('The plan was "plainly reckless" -- as described by harbor chief Dara Quill -- and '
                    'few disagree.') == {"plainly reckless": "Dara Quill"}


def test_touted_is_a_speech_verb():
    assert speakers('Dara Quill touts the new ferry as "a lifeline for the islands."') == \
        {"a lifeline for": "Dara Quill"}


def test_a_description_that_opens_with_a_capitalized_acronym_is_no_pronoun():
    assert speakers('"The talks are stuck," US officials said.') == {"The talks are": "US officials"}


def test_a_description_that_opens_with_an_acronym_can_speak():
    assert speakers('The weekly cited an unnamed UN envoy who said the aim is the "rebirth of the old '
                    'guild."') == {"rebirth of the": "unnamed UN envoy"}
    assert speakers('The weekly cited an unnamed US diplomat who said the aim is the "rebirth of the old '
                    'guild."') == {"rebirth of the": "unnamed US diplomat"}


def test_an_honorific_makes_a_title_word_a_family_name():
    assert speakers('"The boats are all that matter," said Mr. Bishop.') == {"The boats are": "Bishop"}
