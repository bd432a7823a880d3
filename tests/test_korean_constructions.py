"""A construction coverage probe for Korean-language attribution: invented sentences (the names
occur in no gold set), one construction each, as the Korean press writes them. Each case gives
the quotes' speakers (a quote by the first characters of its text; the speaker by its name or
one of its aliases in the speakers table) and the role categories of its speakers. The whole
probe is one corpus, analyzed once; each case is one article."""

from __future__ import annotations

from pathlib import Path

import pytest

import nkhr

# (case id, article text, {quote start: speaker}, {speaker: role category})
CASES = [
    # ---- the quote first, the speaker after it (rule 1: a subject between quotative and verb)
    ("quote_first_dict_mal", '"북한 인권 상황은 여전히 심각하다"라고 도한결 통일부 장관이 말했다.\n',
     {"북한 인권 상황은": "도한결"}, {"도한결": "government"}),
    ("quote_first_balkhyeot", '"정치범수용소를 즉각 해체해야 한다"고 설민재 북한인권시민연대 대표는 밝혔다.\n',
     {"정치범수용소를": "설민재"}, {"설민재": "ngo"}),
    ("quote_first_gangjo", '"책임 규명 없이는 평화도 없다"고 엄태윤 고려대 교수가 강조했다.\n',
     {"책임 규명 없이는": "엄태윤"}, {"엄태윤": "expert"}),
    ("quote_first_deotbut", '"국제사회의 관심이 절실하다"고 차승호 의원은 덧붙였다.\n',
     {"국제사회의 관심이": "차승호"}, {"차승호": "government"}),
    ("quote_first_jijeok", '"강제북송은 명백한 국제법 위반"이라고 방은비 유엔 북한인권특별보고관이 지적했다.\n',
     {"강제북송은 명백한": "방은비"}, {"방은비": "un"}),
    ("quote_first_jujang", '"북한이 인권 문제를 회피하고 있다"고 하지웅 세종연구소 연구위원이 주장했다.\n',
     {"북한이 인권 문제를": "하지웅"}, {"하지웅": "expert"}),
    ("quote_first_org", '"미국의 인권 모략은 실패할 것"이라고 조선중앙통신이 보도했다.\n',
     {"미국의 인권 모략은": "조선중앙통신"}, {"조선중앙통신": "dprk"}),
    ("quote_first_unnamed", '"북측의 반응을 지켜보고 있다"고 정부 관계자가 말했다.\n',
     {"북측의 반응을": "정부 관계자"}, {"정부 관계자": "government"}),
    # ---- "…"며 / "…"라며 / "…"면서
    ("myeo_two_quotes", '구나연 외교부 대변인은 "깊은 우려를 표명한다"며 "북한은 대화에 나서야 한다"고 말했다.\n',
     {"깊은 우려를": "구나연", "북한은 대화에": "구나연"}, {"구나연": "government"}),
    ("ramyeo_then_verb", '변재석 통일부 차관은 "이산가족 문제가 시급하다"라며 대책 마련을 촉구했다.\n',
     {"이산가족 문제가": "변재석"}, {"변재석": "government"}),
    ("myeonseo_two_quotes", '육성민 의원은 "탈북민 지원법을 개정하겠다"면서 "정부도 협조해야 한다"고 강조했다.\n',
     {"탈북민 지원법을": "육성민", "정부도 협조해야": "육성민"}, {"육성민": "government"}),
    # ---- the speaker first
    ("speaker_first", '탁민우 통일부 장관은 "인권 보고서를 공개하겠다"라고 말했다.\n\n'
     '탁 장관은 이날 국회에서 "북한 주민의 알 권리를 보장해야 한다"고 밝혔다.\n',
     {"인권 보고서를": "탁민우", "북한 주민의 알": "탁민우"}, {"탁민우": "government"}),
    ("speaker_first_date_place", '국승철 주유엔대사는 13일(현지시간) 안보리 회의에서 "북한의 인권 침해는 안보 위협"이라고 '
     '지적했다.\n', {"북한의 인권 침해는": "국승철"}, {"국승철": "diplomat"}),
    ("speaker_first_broadcast", '도한결 통일부 장관은 오늘 "북한 인권 재단을 출범시키겠다"라고 말했습니다.\n',
     {"북한 인권 재단을": "도한결"}, {"도한결": "government"}),
    ("speaker_first_party_after", '육성민 더불어민주당 의원은 "인권과 평화는 함께 가야 한다"고 말했다.\n',
     {"인권과 평화는": "육성민"}, {"육성민": "government"}),
    ("speaker_first_party_paren", '차승호 의원(국민의힘)은 "북한인권법을 제대로 집행해야 한다"고 주장했다.\n',
     {"북한인권법을": "차승호"}, {"차승호": "government"}),
    # ---- titles after names; 씨 is an honorific, never a role
    ("mo_ssi", '2019년 탈북한 김 모 씨는 "수용소에서 매일 맞았다"고 증언했다.\n',
     {"수용소에서 매일": "김 모 씨"}, {"김 모 씨": "defector"}),
    ("mo_age_ssi", '탈북민 박 모(45) 씨는 "국경에서 두 번 붙잡혔다"고 말했다.\n',
     {"국경에서 두 번": "박 모 씨"}, {"박 모 씨": "defector"}),
    ("mo_glued_apart", '도한결 통일부 장관은 "정착 지원을 늘리겠다"고 말했다.\n\n탈북민 도모씨(52)는 '
     '"아직 일자리를 못 구했다"고 말했다.\n',
     {"정착 지원을": "도한결", "아직 일자리를": "도모씨"}, {"도한결": "government", "도모씨": "defector"}),
    ("mo_title", '북한 경제를 연구하는 이 모 교수는 "장마당이 다시 위축됐다"고 말했다.\n',
     {"장마당이 다시": "이 모 교수"}, {"이 모 교수": "expert"}),
    ("glued_ssi", '탈북민 마선영씨는 "어머니를 북에 두고 왔다"라고 말했다.\n\n마씨는 "매일 기도한다"고 덧붙였다.\n',
     {"어머니를 북에": "마선영", "매일 기도한다": "마선영"}, {"마선영": "defector"}),
    ("name_age_ssi", '탈북민 한수아(32)씨는 "중국에서 팔려 다녔다"고 증언했다.\n',
     {"중국에서 팔려": "한수아"}, {"한수아": "defector"}),
    ("surname_spokesman", '이수진 통일부 대변인은 정례브리핑에서 "북측의 호응을 기대한다"고 말했다.\n\n'
     '이 대변인은 "대화의 문은 열려 있다"고 덧붙였다.\n',
     {"북측의 호응을": "이수진", "대화의 문은": "이수진"}, {"이수진": "government"}),
    ("surname_professor", '박세웅 서울대 교수는 "제재만으로는 부족하다"고 말했다.\n\n'
     '박 교수는 "인권 대화를 병행해야 한다"고 강조했다.\n',
     {"제재만으로는": "박세웅", "인권 대화를": "박세웅"}, {"박세웅": "expert"}),
    ("pastor", '편지석 목사는 "탈북민들을 돕는 것은 우리의 사명"이라고 말했다.\n',
     {"탈북민들을 돕는": "편지석"}, {"편지석": "ngo"}),
    # ---- unnamed speakers
    ("unnamed_official", '정부 관계자는 "북측의 반응을 면밀히 보고 있다"고 말했다.\n',
     {"북측의 반응을": "정부 관계자"}, {"정부 관계자": "government"}),
    ("unnamed_defector", '한 탈북민은 "국경 단속이 심해졌다"고 전했다.\n',
     {"국경 단속이": "한 탈북민"}, {"한 탈북민": "defector"}),
    ("unnamed_source", '대북 소식통은 "양강도에서 공개처형이 있었다"고 전했다.\n',
     {"양강도에서": "대북 소식통"}, {}),
    ("unnamed_mofa", '외교부 당국자는 "미국과 긴밀히 협의하고 있다"고 밝혔다.\n',
     {"미국과 긴밀히": "외교부 당국자"}, {"외교부 당국자": "government"}),
    ("unnamed_un", '유엔 관계자는 "현장 접근이 여전히 막혀 있다"고 말했다.\n',
     {"현장 접근이": "유엔 관계자"}, {"유엔 관계자": "un"}),
    ("unnamed_expert", '한 북한 전문가는 "내부 통제가 강화되고 있다"고 분석했다.\n',
     {"내부 통제가": "한 북한 전문가"}, {"한 북한 전문가": "expert"}),
    ("unnamed_anaphor", '통일부 고위 당국자는 "이번 보고서는 증언 500건을 토대로 했다"고 말했다.\n\n'
     '이 당국자는 "북한의 반발이 예상된다"고 덧붙였다.\n',
     {"이번 보고서는": "통일부 고위 당국자", "북한의 반발이": "통일부 고위 당국자"},
     {"통일부 고위 당국자": "government"}),
    ("unnamed_genitive_quote", '"배급은 끊긴 지 오래다." 함경북도의 한 주민의 말이다.\n', {"배급은 끊긴": "함경북도의 한 주민"}, {}),
    # ---- institutions
    ("org_ministry", '통일부는 이날 보도자료에서 "북한인권보고서를 공개 발간한다"고 밝혔다.\n',
     {"북한인권보고서를": "통일부"}, {"통일부": "government"}),
    ("org_kcna", '조선중앙통신은 12일 "미국의 인권 소동은 내정 간섭"이라고 보도했다.\n',
     {"미국의 인권 소동은": "조선중앙통신"}, {"조선중앙통신": "dprk"}),
    ("org_rodong", '노동신문은 논평에서 "적대세력의 인권 공세를 단호히 배격한다"고 주장했다.\n',
     {"적대세력의 인권": "노동신문"}, {"노동신문": "dprk"}),
    ("org_amnesty", '국제앰네스티는 보고서에서 "북한 당국은 자의적 구금을 중단해야 한다"고 촉구했다.\n',
     {"북한 당국은 자의적": "국제앰네스티"}, {"국제앰네스티": "ngo"}),
    ("org_ohchr", '유엔 인권최고대표사무소는 "강제노동이 광범위하게 자행되고 있다"고 밝혔다.\n',
     {"강제노동이": "유엔 인권최고대표사무소"}, {"유엔 인권최고대표사무소": "un"}),
    ("org_hrw_paren", '휴먼라이츠워치(HRW)는 성명에서 "중국은 강제북송을 중단하라"고 촉구했다.\n',
     {"중국은 강제북송을": "휴먼라이츠워치"}, {"휴먼라이츠워치": "ngo"}),
    ("org_mfa_dprk", '북한 외무성은 담화를 내고 "인권 결의안을 전면 배격한다"고 주장했다.\n',
     {"인권 결의안을": "북한 외무성"}, {"북한 외무성": "dprk"}),
    ("org_state_dept_dateline", '(워싱턴=연합뉴스) 고은별 특파원 = 미국 국무부는 11일(현지시간) '
     '"북한 정권의 인권 유린을 규탄한다"고 밝혔다.\n',
     {"북한 정권의 인권": "미국 국무부"}, {"미국 국무부": "government"}),
    ("org_ngo_center", '북한인권정보센터는 "수감자 증언 1천여 건을 확보했다"고 밝혔다.\n',
     {"수감자 증언": "북한인권정보센터"}, {"북한인권정보센터": "ngo"}),
    ("org_ipseong", '통일부는 "유감스럽게 생각한다"는 입장을 밝혔다.\n', {"유감스럽게": "통일부"}, {"통일부": "government"}),
    # ---- indirect speech (-다고) with a partial quote
    ("indirect_partial", '탁현수 이화여대 교수는 북한이 "인권을 체제 유지의 도구로" 쓰고 있다고 말했다.\n',
     {"인권을 체제": "탁현수"}, {"탁현수": "expert"}),
    ("indirect_partial_org", '통일부는 북한의 주장이 "사실과 전혀 다르다"고 반박했다.\n', {"사실과 전혀": "통일부"}, {}),
    ("indirect_partial_pronoun", '탁현수 이화여대 교수는 "상황이 나빠졌다"고 말했다.\n\n'
     '그는 북한 당국이 주민들을 "노예처럼" 부리고 있다고 비판했다.\n',
     {"상황이 나빠졌다": "탁현수", "노예처럼": "탁현수"}, {}),
    # ---- 에 따르면
    ("ttareumyeon_source", '데일리NK에 따르면 양강도 소식통은 "올해 들어 단속이 세졌다"고 말했다.\n',
     {"올해 들어": "양강도 소식통"}, {}),
    ("ttareumyeon_kcna", '조선중앙통신에 따르면 외무성 대변인은 "미국의 인권 압박은 적대 행위"라고 말했다.\n',
     {"미국의 인권 압박은": "외무성 대변인"}, {"외무성 대변인": "dprk"}),
    ("reported_by_outlet", '차승호 의원은 "북한 인권은 외면할 수 없다"고 말했다고 미국의소리(VOA) 방송이 전했다.\n',
     {"북한 인권은 외면": "차승호"}, {}),
    # ---- multi-sentence quotes
    ("multi_sentence", '설민재 대표는 "북한 주민들은 고통받고 있다. 국제사회가 나서야 한다. 더는 침묵해서는 안 '
     '된다"고 말했다.\n', {"북한 주민들은 고통": "설민재"}, {}),
    ("quote_then_igatchi", '"강제북송을 멈춰야 한다. 그들은 돌아가면 처벌받는다." 설민재 북한인권시민연대 대표는 '
     '이날 기자회견에서 이같이 말했다.\n', {"강제북송을 멈춰야": "설민재"}, {"설민재": "ngo"}),
    ("quote_para_then_igatchi", '"강제북송을 멈춰야 한다."\n\n설민재 북한인권시민연대 대표는 이날 기자회견에서 '
     '이같이 말했다.\n', {"강제북송을 멈춰야": "설민재"}, {}),
    # ---- carry-over
    ("carry_quote_paragraph", '차승호 의원은 "인권은 협상 대상이 아니다"라고 말했다.\n\n'
     '"북한 주민도 같은 권리를 누려야 합니다. 그것이 우리의 원칙입니다."\n',
     {"인권은 협상": "차승호", "북한 주민도 같은": "차승호"}, {}),
    ("carry_pronoun", '차승호 의원은 "인권은 보편적 가치"라고 말했다.\n\n그는 "북한도 예외가 아니다"고 덧붙였다.\n',
     {"인권은 보편적": "차승호", "북한도 예외가": "차승호"}, {}),
    ("carry_ieo", '엄태윤 교수는 "제재는 수단일 뿐"이라고 말했다.\n\n이어 "목표는 주민의 삶"이라고 말했다.\n',
     {"제재는 수단일": "엄태윤", "목표는 주민의": "엄태윤"}, {}),
    ("carry_tto", '엄태윤 교수는 "대화가 필요하다"고 말했다.\n\n또 "압박도 병행해야 한다"라고 했다.\n',
     {"대화가 필요하다": "엄태윤", "압박도 병행해야": "엄태윤"}, {}),
    ("carry_geureomyeonseo", '엄태윤 교수는 "국제 공조가 중요하다"고 말했다. 그러면서 "한국이 앞장서야 한다"고 '
     '강조했다.\n', {"국제 공조가": "엄태윤", "한국이 앞장서야": "엄태윤"}, {}),
    # ---- more verbs and shapes
    ("subject_ga_first", '도한결 장관이 "탈북민 정착금을 올리겠다"라고 말했다.\n',
     {"탈북민 정착금을": "도한결"}, {}),
    ("bare_haetda", '엄태윤 교수는 "북한의 셈법이 바뀌었다"고 했다.\n', {"북한의 셈법이": "엄태윤"}, {}),
    ("sns_jeokeot", '육성민 의원은 자신의 페이스북에 "북송은 사형선고나 마찬가지"라고 적었다.\n',
     {"북송은 사형선고나": "육성민"}, {}),
    ("question_banmun", '차승호 의원은 "정부는 그동안 무엇을 했느냐"고 반문했다.\n', {"정부는 그동안": "차승호"}, {}),
    ("met_reporters", '통일부 당국자는 기자들과 만나 "북측 통지문은 아직 없다"고 말했다.\n',
     {"북측 통지문은": "통일부 당국자"}, {"통일부 당국자": "government"}),
    ("ipjang_ida", '"관련 법에 따라 처리하겠다"는 것이 통일부의 입장이다.\n', {"관련 법에 따라": "통일부"}, {}),
    ("foreign_wire", '로이터통신은 "북한이 국경 봉쇄를 일부 풀었다"고 보도했다.\n',
     {"북한이 국경 봉쇄를": "로이터통신"}, {"로이터통신": "other"}),
    ("investigator_title", '국제앰네스티의 옥해린 동아시아 조사관은 "구금 시설의 실태가 참혹하다"고 말했다.\n',
     {"구금 시설의": "옥해린"}, {"옥해린": "ngo"}),
    ("team_leader_title", '남궁별 북한인권정보센터 팀장은 "증언이 계속 쌓이고 있다"고 말했다.\n',
     {"증언이 계속": "남궁별"}, {"남궁별": "ngo"}),
    ("kim_jong_un", '김정은 국무위원장은 "적대세력의 책동을 짓부숴야 한다"고 말했다고 조선중앙통신이 보도했다.\n',
     {"적대세력의 책동을": "김정은"}, {"김정은": "dprk"}),
    ("defector_code_age", '탈북민 B(30)씨는 "두만강을 건널 때 총소리를 들었다"고 말했다.\n',
     {"두만강을 건널": "탈북민 B씨"}, {"탈북민 B씨": "defector"}),
    ("citing_source", '자유아시아방송(RFA)은 함경북도 소식통을 인용해 "장마당 단속이 심해졌다"고 보도했다.\n',
     {"장마당 단속이": "함경북도 소식통"}, {}),
    ("citing_org", 'AP통신은 조선중앙통신을 인용해 "적대세력의 인권 공세는 파탄될 것"이라고 보도했다.\n',
     {"적대세력의 인권 공세는": "조선중앙통신"}, {"조선중앙통신": "dprk"}),
    ("told_outlet", '차승호 의원은 미국의소리(VOA)에 "북한 인권 재단을 빨리 출범시켜야 한다"고 말했다.\n',
     {"북한 인권 재단을 빨리": "차승호"}, {}),
    ("interview_with", '엄태윤 교수는 뉴스1과의 통화에서 "북한이 반발할 가능성이 크다"고 내다봤다.\n',
     {"북한이 반발할": "엄태윤"}, {}),
    ("in_reply", '이에 대해 통일부 관계자는 "확인해 줄 수 없다"고 말했다.\n',
     {"확인해 줄 수": "통일부 관계자"}, {"통일부 관계자": "government"}),
    ("two_speakers_contrast", '도한결 장관은 "대화가 우선"이라고 말했다. 반면 차승호 의원은 "압박이 먼저"라고 반박했다.\n',
     {"대화가 우선": "도한결", "압박이 먼저": "차승호"}, {}),
    ("committee_member", '국회 외교통일위원회 소속 육성민 의원은 "정부가 손을 놓고 있다"고 비판했다.\n',
     {"정부가 손을": "육성민"}, {"육성민": "government"}),
    ("briefing_answer", '구나연 외교부 대변인은 정례브리핑에서 관련 질문에 "중국 측에 우려를 전달했다"고 답했다.\n',
     {"중국 측에": "구나연"}, {"구나연": "government"}),
    ("un_security_council", '유엔 안전보장이사회는 성명을 통해 "북한의 인권 침해를 규탄한다"고 밝혔다.\n',
     {"북한의 인권 침해를 규탄": "유엔 안전보장이사회"}, {"유엔 안전보장이사회": "un"}),
    # ---- more speech verbs
    ('v_sogae', '하지웅 연구위원은 "북한 내 휴대전화가 700만 대를 넘었다"고 소개했다.\n',
     {'북한 내 휴대전화가': '하지웅'}, {}),
    ('v_pyohyeon', '엄태윤 교수는 북한의 조치를 "자해적 봉쇄"라고 표현했다.\n',
     {'자해적 봉쇄': '엄태윤'}, {}),
    ('v_yesang', '하지웅 연구위원은 "북한이 연내 추가 도발에 나설 것"이라고 예상했다.\n',
     {'북한이 연내 추가': '하지웅'}, {}),
    ('v_gwanchuk', '엄태윤 교수는 "당분간 국경 개방은 어렵다"고 관측했다.\n',
     {'당분간 국경 개방은': '엄태윤'}, {}),
    ('v_puri', '하지웅 연구위원은 "내부 결속을 노린 조치"라고 풀이했다.\n',
     {'내부 결속을 노린': '하지웅'}, {}),
    ('v_gwitttim', '대북 소식통은 "간부들 사이에 동요가 있다"고 귀띔했다.\n',
     {'간부들 사이에': '대북 소식통'}, {}),
    ('v_bogo', '국가정보원은 국회 정보위원회에 "북한 내 처형이 늘었다"고 보고했다.\n',
     {'북한 내 처형이': '국가정보원'}, {}),
    ('v_allyeot', '통일부는 "북측이 통신선에 응답하지 않았다"고 알렸다.\n',
     {'북측이 통신선에': '통일부'}, {}),
    ('v_jipeot', '엄태윤 교수는 "인권 문제를 협상 카드로 써서는 안 된다"고 짚었다.\n',
     {'인권 문제를 협상': '엄태윤'}, {}),
    ('v_bwatda', '하지웅 연구위원은 "북한의 태도 변화는 제한적일 것"이라고 봤다.\n',
     {'북한의 태도 변화는': '하지웅'}, {}),
    ('v_ulmeok', '한 탈북 여성은 "딸을 두고 나온 게 가장 후회된다"며 울먹였다.\n',
     {'딸을 두고 나온': '한 탈북 여성'}, {}),
    ('v_hantan', '설민재 대표는 "국제사회의 관심이 예전만 못하다"고 한탄했다.\n',
     {'국제사회의 관심이 예전': '설민재'}, {}),
    ('v_ilgal', '차승호 의원은 "정부는 침묵을 멈춰라"고 일갈했다.\n',
     {'정부는 침묵을': '차승호'}, {}),
    # ---- role categories of more speakers
    ('r_military', '군 관계자는 "북한군의 동향을 면밀히 추적하고 있다"고 말했다.\n',
     {'북한군의 동향을': '군 관계자'}, {'군 관계자': 'government'}),
    ('r_jcs', '합동참모본부는 "북한이 탄도미사일 1발을 발사했다"고 밝혔다.\n',
     {'북한이 탄도미사일': '합동참모본부'}, {'합동참모본부': 'government'}),
    ('r_anonymous_official', '익명을 요구한 정부 고위 관계자는 "송환 협상이 진행 중"이라고 말했다.\n',
     {'송환 협상이': '정부 고위 관계자'}, {'정부 고위 관계자': 'government'}),
    ('r_ngo_head_unnamed', '한 대북 인권단체 대표는 "지원금이 끊겼다"고 말했다.\n',
     {'지원금이 끊겼다': '한 대북 인권단체 대표'}, {'한 대북 인권단체 대표': 'ngo'}),
    ('r_state_dept_spokes', '미국 국무부 대변인은 "북한 인권 상황을 우려한다"고 말했다.\n',
     {'북한 인권 상황을 우려': '미국 국무부 대변인'}, {'미국 국무부 대변인': 'government'}),
    ('r_china_mfa', '중국 외교부 대변인은 "탈북자는 불법 월경자"라고 주장했다.\n',
     {'탈북자는 불법': '중국 외교부 대변인'}, {'중국 외교부 대변인': 'government'}),
    ('r_un_seoul_office', '유엔 북한인권사무소는 "탈북민 면담을 확대하겠다"고 밝혔다.\n',
     {'탈북민 면담을': '유엔 북한인권사무소'}, {'유엔 북한인권사무소': 'un'}),
    ('r_nhrck', '국가인권위원회는 "강제북송 중단을 촉구한다"고 밝혔다.\n',
     {'강제북송 중단을': '국가인권위원회'}, {'국가인권위원회': 'government'}),
    ('r_activist_ssi', '북한인권 운동가 옥해린 씨는 "풍선을 계속 날리겠다"고 말했다.\n',
     {'풍선을 계속': '옥해린'}, {'옥해린': 'ngo'}),
    ('r_kinu', '옥세진 통일연구원 선임연구위원은 "인권 실태가 개선되지 않았다"고 분석했다.\n',
     {'인권 실태가': '옥세진'}, {'옥세진': 'expert'}),
    ('r_bar_committee', '육다현 대한변호사협회 북한인권특별위원회 위원장은 "법적 책임을 물어야 한다"고 말했다.\n',
     {'법적 책임을': '육다현'}, {'육다현': 'ngo'}),
    # ---- other shapes
    ('paren_speaker', '회의에서는 "북한 주민의 인권을 외면해서는 안 된다"(도한결 통일부 장관)는 발언이 나왔다.\n',
     {'북한 주민의 인권을 외면': '도한결'}, {}),
    ('colon_speaker', '도한결 통일부 장관: "탈북민 정착 지원을 두 배로 늘리겠습니다."\n',
     {'탈북민 정착 지원을 두': '도한결'}, {}),
    ('ipeul_moat', '전문가들은 "북한의 인권 개선 없이는 비핵화도 어렵다"고 입을 모았다.\n',
     {'북한의 인권 개선 없이는': '전문가들'}, {}),
    ('nested_single', '설민재 대표는 "북한은 ‘인권’이라는 말 자체를 금지한다"고 말했다.\n',
     {'북한은 ‘인권’이라는': '설민재'}, {}),
    ('bukcheuk', '북측은 "남측의 전단 살포는 도발"이라고 주장했다.\n',
     {'남측의 전단 살포는': '북측'}, {}),
    # ---- no one's words: a term in quotes
    ("term_in_quotes", '국회는 지난해 7월 14일을 "탈북민의 날"로 정했다.\n', {"탈북민의 날": "<no quote>"}, {}),
    ("term_ironun", '정부는 이른바 "북한 인권 외교"를 강화하기로 했다.\n', {"북한 인권 외교": "<no quote>"}, {}),
    # ---- datelines: the reporter is not the speaker
    ("dateline_news1", '[서울=뉴스1] 변지훈 기자 = 도한결 통일부 장관은 12일 "북한 인권 개선에 힘쓰겠다"고 말했다.\n',
     {"북한 인권 개선에": "도한결"}, {"도한결": "government"}),
    ("dateline_yonhap_quote_first", '(서울=연합뉴스) 이민수 기자 = "정부는 탈북민 보호에 최선을 다하고 있다"고 '
     '정부 관계자가 말했다.\n', {"정부는 탈북민": "정부 관계자"}, {"정부 관계자": "government"}),
    ("dateline_newsis", '【서울=뉴시스】석다온 기자 = 국제앰네스티는 "북한은 구금시설을 개방하라"고 촉구했다.\n',
     {"북한은 구금시설을": "국제앰네스티"}, {"국제앰네스티": "ngo"}),
    # ---- defector-turned-lawmaker and other role categories
    ("defector_lawmaker", '탈북민 출신 지성민 국민의힘 의원은 "북송된 이들의 생사를 확인해야 한다"고 말했다.\n',
     {"북송된 이들의": "지성민"}, {"지성민": "defector"}),
    ("defector_diplomat_lawmaker", '북한 외교관 출신인 도현석 의원은 "외무성은 이미 알고 있다"고 말했다.\n',
     {"외무성은 이미": "도현석"}, {"도현석": "defector"}),
    ("un_rapporteur_foreign", '마리아 페르난데스 유엔 북한인권특별보고관은 "책임 규명이 시급하다"고 말했다.\n\n'
     '페르난데스 특별보고관은 "피해자의 목소리를 들어야 한다"고 덧붙였다.\n',
     {"책임 규명이": "마리아 페르난데스", "피해자의 목소리를": "마리아 페르난데스"}, {"마리아 페르난데스": "un"}),
    ("us_envoy", '카를로스 로드리게스 미국 국무부 북한인권특사는 "납북자 문제를 잊지 않겠다"고 말했다.\n',
     {"납북자 문제를": "카를로스 로드리게스"}, {"카를로스 로드리게스": "government"}),
    ("dprk_vice_minister", '리성혁 북한 외무성 부상은 담화에서 "인권 결의는 정치적 도발"이라고 주장했다.\n',
     {"인권 결의는": "리성혁"}, {"리성혁": "dprk"}),
    ("dprk_party_official", '주하람 노동당 부부장은 담화에서 "남조선의 인권 타령은 가소롭다"고 비난했다.\n',
     {"남조선의 인권": "주하람"}, {"주하람": "dprk"}),
    ("dprk_society_spokesman", '조선평화연구협회 대변인은 "미국이야말로 인권 불모지"라고 주장했다.\n',
     {"미국이야말로": "조선평화연구협회 대변인"}, {"조선평화연구협회 대변인": "dprk"}),
    ("ambassador_to_korea", '반지후 주한 캐나다대사는 "캐나다는 탈북민을 계속 지원할 것"이라고 말했다.\n',
     {"캐나다는 탈북민을": "반지후"}, {"반지후": "diplomat"}),
    ("former_un_sg", '금태오 전 유엔 사무총장은 "인권은 평화의 기초"라고 말했다.\n',
     {"인권은 평화의": "금태오"}, {"금태오": "un"}),
]


# Constructions the rules do not read yet, with why (the probe keeps them, to show the gap)
KNOWN_GAPS = {
    "quote_first_jijeok": "the analyzer reads the name 방은비 as 방 + topic 은 + verb",
    "pastor": "a rare family name (편) the analyzer cuts into 편지 + 석",
}


def _no_catalog(folder: Path) -> Path:
    empty = folder.parent / "empty-catalog.csv"
    empty.write_text("source_id,outlet,published,title,url\n", encoding="utf-8")
    return empty


@pytest.fixture(scope="module")
def probe(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ko_probe") / "articles"
    folder.mkdir()
    for cid, text, _, _ in CASES:
        (folder / f"{cid}.txt").write_text("북한 인권 기사\n\n" + text, encoding="utf-8")
    t = nkhr.analyze(folder, catalog=_no_catalog(folder))
    names = {}
    for _, row in t.speakers.iterrows():
        names[row.speaker_id] = (row["name"], {row["name"], *str(row.aliases or "").split("|")}, row.role_category)
    return t, names


def _speaker_of(t, names, cid, start):
    rows = t.quotes[(t.quotes.source_id == cid) & t.quotes.text.str.startswith(start)]
    if rows.empty:
        return "<no quote>", set(), None
    sid = rows.iloc[0].speaker_id
    return names.get(sid, (None, set(), None)) if isinstance(sid, str) else (None, set(), None)


@pytest.mark.parametrize("cid,text,expected,roles", [
    pytest.param(*c, marks=pytest.mark.xfail(reason=KNOWN_GAPS[c[0]], strict=True)) if c[0] in KNOWN_GAPS else c
    for c in CASES], ids=[c[0] for c in CASES])
def test_construction(probe, cid, text, expected, roles):
    t, names = probe
    got = {}
    for start, who in expected.items():
        name, aliases, _ = _speaker_of(t, names, cid, start)
        got[start] = who if who in aliases else name
    assert got == expected
    cats = {}
    for who in roles:
        found = [v for v in names.values() if who in v[1]]
        mine = [v for v in found if any(_speaker_of(t, names, cid, s)[0] == v[0] for s in expected)]
        cats[who] = (mine or found or [(None, set(), None)])[0][2]
    assert cats == roles
