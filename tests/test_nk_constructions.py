"""Construction coverage probe: common constructions of NK-news writing, one per case.

Every sentence was written for this test in the style of an outlet (Yonhap, Korea
Herald, NK News, Daily NK, AP, Reuters, VOA, RFA, UN press releases, NGO
statements); every name is invented. Each case gives the speaker of each quote
(its first three words -> the speaker's first name form, None: nobody) and the
role category of the speakers it names (GUIDELINES.md).
"""

from __future__ import annotations

import pytest

import nkhr

from .test_attribution import speakers

CASES = [
    # --- institutions as speakers ------------------------------------------------
    ("kcna_said",
     '"The puppet authorities are begging for a war," KCNA said.',
     {"The puppet authorities": "KCNA"}, {"KCNA": "dprk"}),
    ("rodong_commentary",
     'The Rodong Sinmun, the official newspaper of the ruling Workers\' Party, said in a commentary that the '
     'United States was "the worst human rights abuser on the planet."',
     {"the worst human": "Rodong Sinmun"}, {"Rodong Sinmun": "dprk"}),
    ("fm_statement",
     '"We will never tolerate this provocation," North Korea\'s foreign ministry said in a statement.',
     {"We will never": "North Korea's foreign ministry"}, {"North Korea's foreign ministry": "dprk"}),
    ("statement_first_dprk",
     'In a statement, the foreign ministry of the DPRK said the resolution was "an outgrowth of open enmity."',
     {"an outgrowth of": "foreign ministry of the DPRK"}, {"foreign ministry of the DPRK": "dprk"}),
    ("state_media",
     'The drills are "a dangerous rehearsal for invasion," North Korea\'s state media said on Sunday.',
     {"a dangerous rehearsal": "North Korea's state media"}, {"North Korea's state media": "dprk"}),
    ("unif_spokesperson_unnamed",
     '"We urge the North to respond to our offer without delay," a spokesperson for the Unification Ministry '
     'told reporters.',
     {"We urge the": "spokesperson for the Unification Ministry"},
     {"spokesperson for the Unification Ministry": "government"}),
    ("ministry_anaphor",
     'The Unification Ministry on Monday expressed regret over the North\'s refusal.\n\n'
     '"It is deeply regrettable that the North rejected our offer," the ministry said in a press release.',
     {"It is deeply": "Unification Ministry"}, {"Unification Ministry": "government"}),
    ("un_office_report",
     'The UN human rights office said in a report released Tuesday that detainees faced "systematic torture '
     'and starvation."',
     {"systematic torture and": "UN human rights office"}, {"UN human rights office": "un"}),
    ("amnesty_report",
     'Amnesty International said in a report that the practice of forced repatriation "must end immediately."',
     {"must end immediately.": "Amnesty International"}, {"Amnesty International": "ngo"}),
    ("jcs_text_message",
     '"The North fired two short-range ballistic missiles into the East Sea," the Joint Chiefs of Staff said in '
     'a text message to reporters.',
     {"The North fired": "Joint Chiefs of Staff"}, {"Joint Chiefs of Staff": "government"}),
    ("nis_told_lawmakers",
     'The National Intelligence Service told lawmakers that the North had sent "at least 1,500 more troops" '
     'to Russia.',
     {"at least 1,500": "National Intelligence Service"}, {"National Intelligence Service": "government"}),
    ("ngo_according_to",
     'The regime executed at least seven people for watching foreign dramas, according to the Transitional '
     'Justice Working Group, which called the killings "a campaign of terror."',
     {"a campaign of": "Transitional Justice Working Group"}, {"Transitional Justice Working Group": "ngo"}),
    # --- unnamed speakers ----------------------------------------------------------
    ("official_not_named",
     'A government official who asked not to be named said, "The talks are effectively frozen."',
     {"The talks are": "government official"}, {"government official": "government"}),
    ("daily_nk_source",
     '"Security agents searched every house in the village," a source in North Hamgyong Province told Daily NK.',
     {"Security agents searched": "source"}, {}),
    ("state_dept_spokesperson_voa",
     '"This is a clear violation of the sanctions regime," a State Department spokesperson told VOA\'s Korean '
     'Service.',
     {"This is a": "State Department spokesperson"}, {"State Department spokesperson": "government"}),
    ("sk_mofa_spokesman",
     '"We are not in a position to comment," a spokesman for South Korea\'s foreign ministry said.',
     {"We are not": "spokesman for South Korea's foreign ministry"},
     {"spokesman for South Korea's foreign ministry": "government"}),
    # --- titles ---------------------------------------------------------------------
    ("yonhap_dateline_minister",
     'SEOUL, Dec. 3 (Yonhap) -- Unification Minister Hwang Do-kyung said Tuesday that the government will '
     '"spare no effort" to bring the abductees home.',
     {"spare no effort": "Hwang Do-kyung"}, {"Hwang Do-kyung": "government"}),
    ("rep_of_party",
     'Rep. Seo Min-gyu of the ruling People Power Party told reporters, "The bill must pass this session."',
     {"The bill must": "Seo Min-gyu"}, {"Seo Min-gyu": "government"}),
    ("party_rep_before",
     '"The government has been silent for too long," Democratic Party Rep. Jeon Hae-rin wrote on Facebook.',
     {"The government has": "Jeon Hae-rin"}, {"Jeon Hae-rin": "government"}),
    ("party_lawmaker",
     'People Power Party lawmaker Yang Joo-hui said the figures were "only the tip of the iceberg."',
     {"only the tip": "Yang Joo-hui"}, {"Yang Joo-hui": "government"}),
    ("nis_director",
     '"The North has sent about 3,000 more troops," NIS Director Bae Joon-seok told lawmakers during a '
     'closed-door briefing.',
     {"The North has": "Bae Joon-seok"}, {"Bae Joon-seok": "government"}),
    ("un_special_rapporteur",
     'UN Special Rapporteur Isabela Monteverde said the findings were "deeply disturbing."',
     {"deeply disturbing.": "Isabela Monteverde"}, {"Isabela Monteverde": "un"}),
    ("defector_turned_lawmaker",
     'Defector-turned-lawmaker Ahn Sung-jae said, "I know what hunger does to a family."',
     {"I know what": "Ahn Sung-jae"}, {"Ahn Sung-jae": "defector"}),
    ("who_fled_in",
     '"We ate grass in the spring," said Gong Mi-ran, who fled the North in 2010.',
     {"We ate grass": "Gong Mi-ran"}, {"Gong Mi-ran": "defector"}),
    ("who_left_nk",
     '"Nobody there believes the broadcasts anymore," said Ma Young-sil, who left North Korea in 2016.',
     {"Nobody there believes": "Ma Young-sil"}, {"Ma Young-sil": "defector"}),
    ("who_escaped_nk",
     '"The guards beat us every morning," said Tak Chun-bae, who escaped North Korea in 2008.',
     {"The guards beat": "Tak Chun-bae"}, {"Tak Chun-bae": "defector"}),
    ("arrived_in_south",
     'Uhm Seol-ah, who arrived in the South in 2019 after years in China, said she still has "nightmares '
     'about the border."',
     {"nightmares about the": "Uhm Seol-ah"}, {"Uhm Seol-ah": "defector"}),
    ("crossed_dmz",
     '"I ran until I could not breathe," said Pyo Gun-woo, a former soldier who crossed the DMZ in 2017.',
     {"I ran until": "Pyo Gun-woo"}, {"Pyo Gun-woo": "defector"}),
    ("nk_who_fled",
     '"My parents are still there," said Yeom Hye-jin, a North Korean who fled in 2015.',
     {"My parents are": "Yeom Hye-jin"}, {"Yeom Hye-jin": "defector"}),
    ("former_nk_diplomat_facebook",
     'Yoo Ha-neul, a former North Korean diplomat, wrote on Facebook that the regime was "terrified of its '
     'own people."',
     {"terrified of its": "Yoo Ha-neul"}, {"Yoo Ha-neul": "defector"}),
    ("defector_activist_leads_group",
     '"The balloons carry truth," said Paek Il-gwon, a defector who leads a group that sends leaflets across '
     'the border.',
     {"The balloons carry": "Paek Il-gwon"}, {"Paek Il-gwon": "defector"}),
    ("dprk_premier",
     '"We must raise grain output at all costs," North Korean Premier Kang Myong-gil said at the meeting, '
     'according to KCNA.',
     {"We must raise": "Kang Myong-gil"}, {"Kang Myong-gil": "dprk"}),
    ("dprk_fm",
     'North Korean Foreign Minister Ro Yon-hui called the resolution "a grave infringement on sovereignty."',
     {"a grave infringement": "Ro Yon-hui"}, {"Ro Yon-hui": "dprk"}),
    ("dprk_official_kcna",
     '"Seoul should not dream of dialogue," Jo Song-ae, vice department director of the WPK Central Committee, '
     'said in a statement released through KCNA.',
     {"Seoul should not": "Jo Song-ae"}, {"Jo Song-ae": "dprk"}),
    ("dprk_official_unhyphenated",
     '"The sanctions are a crime against humanity," Pak Chol Nam, a senior official at North Korea\'s foreign '
     'ministry, said in a statement carried by KCNA.',
     {"The sanctions are": "Pak Chol Nam"}, {"Pak Chol Nam": "dprk"}),
    ("dprk_un_ambassador",
     'North Korea\'s UN ambassador, Ri Un-chol, told the General Assembly that the report was "a fabrication '
     'from start to finish."',
     {"a fabrication from": "Ri Un-chol"}, {"Ri Un-chol": "dprk"}),
    ("dprk_ambassador_to_russia",
     'North Korea\'s ambassador to Russia, Sin Hong-chol, said the two nations were "brothers in arms."',
     {"brothers in arms.": "Sin Hong-chol"}, {"Sin Hong-chol": "dprk"}),
    ("sk_un_ambassador",
     '"Pyongyang must stop diverting resources to its weapons," South Korean Ambassador to the UN Hwang Jin-seop '
     'said.',
     {"Pyongyang must stop": "Hwang Jin-seop"}, {"Hwang Jin-seop": "diplomat"}),
    ("us_special_envoy",
     'U.S. Special Envoy for North Korean Human Rights Eleanor Faircroft said Washington would "keep the spotlight '
     'on the camps."',
     {"keep the spotlight": "Eleanor Faircroft"}, {"Eleanor Faircroft": "government"}),
    ("japan_cabinet_secretary",
     'Japan\'s chief cabinet secretary, Goro Takemiya, told a news conference that the abduction issue was "our '
     'top priority."',
     {"our top priority.": "Goro Takemiya"}, {"Goro Takemiya": "government"}),
    ("china_fm_spokesperson",
     '"China opposes the politicization of human rights," Chinese Foreign Ministry spokesperson Liang Wenhao said.',
     {"China opposes the": "Liang Wenhao"}, {"Liang Wenhao": "government"}),
    ("unif_ministry_spokesperson_named",
     '"The North must release the detainees," Unification Ministry spokesperson Baek Ji-woon said at a regular '
     'briefing.',
     {"The North must": "Baek Ji-woon"}, {"Baek Ji-woon": "government"}),
    # --- experts, NGOs, UN officials ------------------------------------------------
    ("professor_said",
     '"Pyongyang is using the troops as a cash cow," said Nam Gi-seok, a professor of North Korean studies at '
     'Dongguk University.',
     {"Pyongyang is using": "Nam Gi-seok"}, {"Nam Gi-seok": "expert"}),
    ("prof_of_university",
     'Prof. Seong Da-eun of Ewha Womans University said the sanctions had "failed to change behavior."',
     {"failed to change": "Seong Da-eun"}, {"Seong Da-eun": "expert"}),
    ("senior_fellow",
     'Daniel Harwick, a senior fellow at the Washington-based Center for Strategic Studies, said the deal was '
     '"a lifeline for the regime."',
     {"a lifeline for": "Daniel Harwick"}, {"Daniel Harwick": "expert"}),
    ("ngo_executive_director",
     '"Every government should speak up," said Hanna Grosvenor, executive director of the Committee for Human '
     'Rights in North Korea.',
     {"Every government should": "Hanna Grosvenor"}, {"Hanna Grosvenor": "ngo"}),
    ("amnesty_researcher",
     'In a statement, Amnesty International\'s East Asia researcher Clara Wendt said the executions were "a '
     'grotesque violation of the right to life."',
     {"a grotesque violation": "Clara Wendt"}, {"Clara Wendt": "ngo"}),
    ("lawyer_with_group",
     '"It was a show trial," said Tomasz Wierzbicki, a lawyer with the Seoul-based group Transitional Justice '
     'Working Group.',
     {"It was a": "Tomasz Wierzbicki"}, {"Tomasz Wierzbicki": "ngo"}),
    ("un_press_release_coi",
     'GENEVA (4 March 2025) - "Accountability cannot wait," said Ingrid Solvang, Chair of the Commission of '
     'Inquiry on human rights in the DPRK.',
     {"Accountability cannot wait,": "Ingrid Solvang"}, {"Ingrid Solvang": "un"}),
    ("ohchr_spokesperson",
     '"We are alarmed by the reports," said Martina Kessel, spokesperson for the UN High Commissioner for Human '
     'Rights.',
     {"We are alarmed": "Martina Kessel"}, {"Martina Kessel": "un"}),
    ("sg_spokesman",
     'Secretary-General spokesman Sebastien Lamarque told reporters the UN chief was "gravely concerned."',
     {"gravely concerned.": "Sebastien Lamarque"}, {"Sebastien Lamarque": "un"}),
    ("high_commissioner_colon",
     'High Commissioner Rafael Ostrander said: "Those who are returned face torture."',
     {"Those who are": "Rafael Ostrander"}, {"Rafael Ostrander": "un"}),
    ("abductee_wife",
     '"I just want to know whether he is alive," said Shin Kyung-ok, whose husband was abducted by the North in '
     '1978.',
     {"I just want": "Shin Kyung-ok"}, {"Shin Kyung-ok": "other"}),
    # --- name orders, romanizations, speech verbs ------------------------------------
    ("given_first_then_surname",
     'Seo-yeon Yang, a researcher at the Korea Institute for National Unification, said the figure was "almost '
     'certainly too low."\n\n"Most cases are never reported," Yang added.',
     {"almost certainly too": "Seo-yeon Yang", "Most cases are": "Seo-yeon Yang"}, {"Seo-yeon Yang": "expert"}),
    ("unhyphenated_given_first",
     'Sunhee Ko, a 29-year-old defector, told AP she had been sold "like a farm animal."\n\n'
     '"I was 17," Ko said.',
     {"like a farm": "Sunhee Ko", "I was 17,": "Sunhee Ko"}, {"Sunhee Ko": "defector"}),
    ("yi_romanization",
     '"The camps have grown," said Yi Dong-chan, an analyst at the Asan Institute for Policy Studies.',
     {"The camps have": "Yi Dong-chan"}, {"Yi Dong-chan": "expert"}),
    ("according_to_name_colon_quote",
     'According to Choi Eun-sol, a researcher at the Korea Rights Database Center, "Public executions have not '
     'stopped."',
     {"Public executions have": "Choi Eun-sol"}, {"Choi Eun-sol": "expert"}),
    ("noted_that",
     'Lim Tae-ho, a lecturer at Kookmin University, noted that the camps were "bigger than ever."',
     {"bigger than ever.": "Lim Tae-ho"}, {"Lim Tae-ho": "expert"}),
    ("told_outlet_that",
     'Cha Yeon-hee, 61, told The Korea Herald that she had "never stopped looking" for her son.',
     {"never stopped looking": "Cha Yeon-hee"}, {}),
    ("in_interview_with",
     'In an interview with NK News, Oh Dae-gyun said the market crackdown was "worse than the famine years."',
     {"worse than the": "Oh Dae-gyun"}, {}),
    ("split_quote",
     '"The camps still exist," Moon Seok-jae said. "They have only been renamed."',
     {"The camps still": "Moon Seok-jae", "They have only": "Moon Seok-jae"}, {}),
    ("pronoun_carry",
     'Heo Seung-ri, 38, escaped in 2019.\n\n"I did not know the outside world existed," she said.\n\n'
     'She said the first thing she bought in Seoul was a radio. "Now I can hear anything," she added.',
     {"I did not": "Heo Seung-ri", "Now I can": "Heo Seung-ri"}, {"Heo Seung-ri": "defector"}),
    ("two_people_pronoun",
     'Kwak Tae-won, a former guard, said the prisoners were "worked to death."\n\n'
     'Another defector, Jung Bo-ra, described the same camp. "There was no medicine," she said.',
     {"worked to death.": "Kwak Tae-won", "There was no": "Jung Bo-ra"}, {"Jung Bo-ra": "defector"}),
    ("multi_paragraph_quote",
     'Noh Eun-bi, 45, described the crossing.\n\n'
     '"We crossed the river at night. The water was up to my chest.\n\n'
     '"My daughter was on my back, and I could not see the other side," she said.',
     {"We crossed the": "Noh Eun-bi", "My daughter was": "Noh Eun-bi"}, {}),
    ("said_first_quote_colon",
     'Ryu Gyeong-ho said: "We will not stop sending the leaflets."',
     {"We will not": "Ryu Gyeong-ho"}, {}),
    ("role_then_rare_surname",
     '"We have no choice but to continue," said the group\'s leader, Kyeon Ha-seul.',
     {"We have no": "Kyeon Ha-seul"}, {}),
    ("lowercase_head_of_institution",
     'The head of the Fishermen\'s Family Union said the plan was "a fine start."',
     {"a fine start.": "head of the Fishermen's Family Union"}, {}),
    ("apposition_head_of",
     'Won Ha-rim, president of the Union of Families of Abductees, which represents 300 families, said the '
     'talks were "a betrayal."',
     {"a betrayal.": "Won Ha-rim"}, {}),
    ("speaking_at_forum",
     'Speaking at a forum in Seoul on Wednesday, Hyun Dong-min said the camps were "still operating at full '
     'capacity."',
     {"still operating at": "Hyun Dong-min"}, {}),
    ("ms_surname_later",
     'Park Ji-hyeon, a lawyer at the Seoul Bar Association, filed the suit last week.\n\n'
     '"This is only the beginning," Ms. Park said.',
     {"This is only": "Park Ji-hyeon"}, {}),
    ("on_condition_of_anonymity",
     '"The North is preparing another launch," a senior South Korean official said on condition of anonymity '
     'because he was not authorized to speak to the media.',
     {"The North is": "senior South Korean official"}, {"senior South Korean official": "government"}),
    ("according_to_statement_from",
     'According to a statement from the Unification Ministry, the North has "not responded" to the proposal.',
     {"not responded": "Unification Ministry"}, {"Unification Ministry": "government"}),
    ("statement_from_said",
     'A statement from the Ministry of Foreign Affairs said Seoul was "deeply concerned" by the executions.',
     {"deeply concerned": "Ministry of Foreign Affairs"}, {}),
    ("according_to_report_by",
     'According to a report by Human Rights Watch, detainees are "routinely beaten" during interrogation.',
     {"routinely beaten": "Human Rights Watch"}, {"Human Rights Watch": "ngo"}),
    ("recalled_colon",
     'Doh Eun-sil, who now lives in Incheon, recalled: "We ate tree bark for months."',
     {"We ate tree": "Doh Eun-sil"}, {}),
    ("title_then_the_lawmaker",
     '"The bill is overdue," said Rep. Bang Seung-hwa. "We will pass it this month," the lawmaker added.',
     {"The bill is": "Bang Seung-hwa", "We will pass": "Bang Seung-hwa"}, {"Bang Seung-hwa": "government"}),
    ("surname_only_apposition_first",
     'Jeong, a former North Korean soldier, said: "We were told the South was starving."',
     {"We were told": "Jeong"}, {"Jeong": "defector"}),
    ("surname_only_relative_first",
     'Hwangbo, who asked that only her surname be used for fear of reprisals, said the guards were "worse '
     'than animals."',
     {"worse than animals.": "Hwangbo"}, {}),
    ("source_in_province",
     'A Daily NK source in Ryanggang Province said that "people are arrested for watching dramas."',
     {"people are arrested": "Daily NK source"}, {}),
    ("official_at_ministry",
     'An official at the Unification Ministry said the camps were "still open."',
     {"still open.": "official"}, {}),
    ("short_quote_one_long_word",
     '"This is not the end," said Kang Ji-woo of the Transitional Justice Working Group, adding that the group '
     'would "keep documenting every case."',
     {"This is not": "Kang Ji-woo", "keep documenting every": "Kang Ji-woo"}, {"Kang Ji-woo": "ngo"}),
    ("said_name_of_ngo",
     '"No one should be forcibly returned," said Lim Ga-eun of the Seoul-based Citizens\' Alliance for North '
     'Korean Human Rights.',
     {"No one should": "Lim Ga-eun"}, {"Lim Ga-eun": "ngo"}),
    ("said_name_of_institute",
     '"The North is becoming more isolated," said Yun Seo-jin of the Korea Institute for National Unification.',
     {"The North is": "Yun Seo-jin"}, {"Yun Seo-jin": "expert"}),
    ("un_press_release_dateline_footnote",
     'GENEVA (12 February 2025) – UN experts* today urged the Democratic People\'s Republic of Korea to '
     '"immediately disclose the fate of all detainees."',
     {"immediately disclose the": "UN experts"}, {"UN experts": "un"}),
    ("the_age_refers_back",
     'Gil Su-hyang, 27, arrived in Seoul last year.\n\n"I am grateful to be alive," the 27-year-old said.',
     {"I am grateful": "Gil Su-hyang"}, {}),
    ("trader_in_china",
     'A North Korean trader in China told RFA Korean that border guards were "shooting on sight."',
     {"shooting on sight.": "North Korean trader"}, {}),
    ("told_the_panel_colon",
     'Ms. Kwon, 58, who escaped in 2016, told the panel: "My son is still in the camp."',
     {"My son is": "Kwon"}, {"Kwon": "defector"}),
    ("qa_transcript",
     'Byun Sang-hoon spoke to NK News about his escape.\n\n'
     'NK News: Why did you decide to leave?\n\n'
     'Byun: "My son was starving, and I could not watch anymore."',
     {"My son was": "Byun Sang-hoon"}, {}),
]


@pytest.mark.parametrize("name, text, quotes, roles", CASES, ids=[c[0] for c in CASES])
def test_attribution(name, text, quotes, roles):
    assert speakers(text) == quotes


@pytest.fixture(scope="module")
def analyzed(tmp_path_factory):
    raw = tmp_path_factory.mktemp("probe")
    for name, text, _, _ in CASES:
        (raw / f"{name}.txt").write_text("A report\n\n" + text + "\n", encoding="utf-8")
    return nkhr.analyze(raw)


@pytest.mark.parametrize("name, who, category",
                         [(c[0], who, cat) for c in CASES for who, cat in c[3].items()],
                         ids=[f"{c[0]}-{who}" for c in CASES for who in c[3]])
def test_role(analyzed, name, who, category):
    sp = analyzed.speakers
    row = sp[sp.name == who]
    assert row.role_category.tolist() == [category]


def test_a_province_is_no_person(analyzed):
    """'a source in North Hamgyong Province told Daily NK': the province is a place, not a person."""
    assert not analyzed.speakers.name.str.contains("Province").any()
