"""Every word the kiosk says is said right: text -> tone-numbered pinyin for espeak-ng.

The project list loads; 2. Ganzhou's 18 counties and districts and the sandbox's places;
4. numbers; 5. a held-out list scored (>= 95 %); the front end as the voice uses it;
6. espeak-ng itself says what we meant. 1. The scan of every sentence the kiosk can say is
test_pronunciation_scan.py; 3. 一 and 不 are test_tone_rules.py.
"""

from __future__ import annotations

import subprocess
import sys
import wave
from pathlib import Path
from typing import List

import pytest
import yaml

from kiosk.speech import pacing
from kiosk.speech.pronounce import Lexicon, Pronouncer, load
from kiosk.speech.verbalize import verbalize

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent
HELDOUT = HERE / "pronunciation_heldout.yaml"
HELDOUT_TARGET = 0.95


def said(text: str) -> str:
    """Syllables only, as the decisions and expectations are written."""
    return " ".join(pinyin for _, pinyin in load().syllables(verbalize(text)))


def test_the_project_list_loads_and_rejects_a_miscounted_line(tmp_path):
    lexicon = Lexicon.from_yaml()
    assert lexicon.words["长者服务助手"] == ("zhang3", "zhe3", "fu2", "wu4", "zhu4", "shou3")
    broken = tmp_path / "p.yaml"
    broken.write_text("places:\n  于都: yu2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="于都"):
        Lexicon.from_yaml(broken)


# -- 2. places ---------------------------------------------------------------------------------

COUNTIES = {
    "章贡区": "zhang1 gong4 qu1", "南康区": "nan2 kang1 qu1", "赣县区": "gan4 xian4 qu1",
    "瑞金市": "rui4 jin1 shi4", "龙南市": "long2 nan2 shi4", "信丰县": "xin4 feng1 xian4",
    "大余县": "da4 yu2 xian4", "上犹县": "shang4 you2 xian4", "崇义县": "chong2 yi4 xian4",
    "安远县": "an1 yuan3 xian4", "定南县": "ding4 nan2 xian4", "全南县": "quan2 nan2 xian4",
    "宁都县": "ning2 du1 xian4", "于都县": "yu2 du1 xian4", "兴国县": "xing1 guo2 xian4",
    "会昌县": "hui4 chang1 xian4", "寻乌县": "xun2 wu1 xian4", "石城县": "shi2 cheng2 xian4",
}
SANDBOX_PLACES = {
    "文明大道": "wen2 ming2 da4 dao4", "长征大道": "chang2 zheng1 da4 dao4", "红旗大道": "hong2 qi2 da4 dao4",
    "健康路": "jian4 kang1 lu4", "和谐路": "he2 xie2 lu4", "幸福路": "xing4 fu2 lu4",
    "迎宾大道": "ying2 bin1 da4 dao4", "建设路": "jian4 she4 lu4", "人民路": "ren2 min2 lu4",
    "赣州市人民医院": "gan4 zhou1 shi4 ren2 min2 yi1 yuan4",
    "赣南医科大学第一附属医院": "gan4 nan2 yi1 ke1 da4 xue2 di4 yi1 fu4 shu3 yi1 yuan4",
    "赣州市中医院": "gan4 zhou1 shi4 zhong1 yi1 yuan4",
    "社区卫生服务中心": "she4 qu1 wei4 sheng1 fu2 wu4 zhong1 xin1",
    "城市管理局": "cheng2 shi4 guan3 li3 ju2", "交通运输局": "jiao1 tong1 yun4 shu1 ju2",
    "供水公司": "gong1 shui3 gong1 si1", "住房和城乡建设局": "zhu4 fang2 he2 cheng2 xiang1 jian4 she4 ju2",
    "人力资源和社会保障局": "ren2 li4 zi1 yuan2 he2 she4 hui4 bao3 zhang4 ju2",
    "卫生健康委员会": "wei4 sheng1 jian4 kang1 wei3 yuan2 hui4", "生态环境局": "sheng1 tai4 huan2 jing4 ju2",
    "街道办事处": "jie1 dao4 ban4 shi4 chu4", "12345热线": "yao1 er4 san1 si4 wu3 re4 xian4",
    "于都县政务服务中心": "yu2 du1 xian4 zheng4 wu4 fu2 wu4 zhong1 xin1",
    "宁都县长征大道25号": "ning2 du1 xian4 chang2 zheng1 da4 dao4 er4 shi2 wu3 hao4",
    "寻乌县长宁镇": "xun2 wu1 xian4 chang2 ning2 zhen4", "于都县贡江镇": "yu2 du1 xian4 gong4 jiang1 zhen4",
    "兴国县潋江镇": "xing1 guo2 xian4 lian4 jiang1 zhen4", "崇义县横水镇": "chong2 yi4 xian4 heng2 shui3 zhen4",
    "章贡区沙石镇": "zhang1 gong4 qu1 sha1 shi2 zhen4", "会昌县文武坝镇": "hui4 chang1 xian4 wen2 wu3 ba4 zhen4",
}


@pytest.mark.parametrize("name", sorted(COUNTIES))
def test_counties_and_districts(name):
    assert said(name) == COUNTIES[name]
    bare = name[:-1]
    assert said(bare) == " ".join(COUNTIES[name].split()[:-1])


def test_the_list_is_every_district_the_kiosk_knows():
    from common.idnumber import GANZHOU_DISTRICTS

    assert set(GANZHOU_DISTRICTS.values()) == set(COUNTIES)


@pytest.mark.parametrize("name", sorted(SANDBOX_PLACES))
def test_sandbox_places(name):
    assert said(name) == SANDBOX_PLACES[name]


def test_every_sandbox_name_is_in_the_list():
    from portal.sandbox import seed_services

    names = set(seed_services.ROADS) | set(seed_services.HOSPITALS) | set(seed_services.DEPARTMENTS.values())
    assert names <= set(SANDBOX_PLACES), names - set(SANDBOX_PLACES)


# -- 4. numbers --------------------------------------------------------------------------------

@pytest.mark.parametrize("text, pinyin", [
    ("12345", "yao1 er4 san1 si4 wu3"),
    ("打110", "da3 yao1 yao1 ling2"),
    ("尾号1234", "wei3 hao4 yao1 er4 san1 si4"),
    ("138 **** 5671", "wei3 hao4 wu3 liu4 qi1 yao1"),
    ("身份证号 3607 ********** 1211", "shen1 fen4 zheng4 hao4 wei3 hao4 yao1 er4 yao1 yao1"),
    ("办件编号是 2026 1124 0000 0151。", "ban4 jian4 bian1 hao4 shi4 er4 ling2 er4 liu4 yao1 yao1 er4 si4 "
                                       "ling2 ling2 ling2 ling2 ling2 yao1 wu3 yao1"),
    ("登记号 123 456", "deng1 ji4 hao4 yao1 er4 san1 si4 wu3 liu4"),
    ("电话：0797-8012345", "dian4 hua4 ling2 qi1 jiu3 qi1 ba1 ling2 yao1 er4 san1 si4 wu3"),
    ("3,215.60 元", "san1 qian1 er4 bai3 yi1 shi2 wu3 yuan2 liu4 jiao3"),
    ("1005 元", "yi4 qian1 ling2 wu3 yuan2"),
    ("101 元", "yi4 bai3 ling2 yi1 yuan2"),
    ("11月15日", "shi2 yi1 yue4 shi2 wu3 ri4"),
    ("2021年1月1日", "er4 ling2 er4 yi1 nian2 yi1 yue4 yi1 ri4"),
    ("上午9:30", "shang4 wu3 jiu3 dian3 ban4"),
    ("下午2:00-5:00", "xia4 wu3 liang3 dian3 dao4 wu3 dian3"),
    ("一共16位数字", "yi2 gong4 shi2 liu4 wei4 shu4 zi4"),
    ("一共11位", "yi2 gong4 shi2 yi1 wei4"),
    ("以1开头", "yi3 yi1 kai1 tou2"),
    ("年满80周岁", "nian2 man3 ba1 shi2 zhou1 sui4"),
])
def test_numbers(text, pinyin):
    assert said(text) == pinyin


# -- 5. held-out list ------------------------------------------------------------------------

def test_held_out_phrases_score_at_least_95_percent():
    items = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))
    assert len(items) > 60
    misses = [(text, said(text), expected) for text, expected in items.items() if said(text) != expected]
    score = 1 - len(misses) / len(items)
    print(f"\nheld-out: {len(items) - len(misses)}/{len(items)} = {score:.1%}")
    for text, got, expected in misses:
        print(f"  miss {text}: said {got}, expected {expected}")
    assert score >= HELDOUT_TARGET


# -- the front end as the voice uses it ----------------------------------------------------------

def test_punctuation_stays_so_the_pauses_stay():
    text = "您好！我是长者服务助手。请点一下，或者直接说。"
    pinyin = load().to_pinyin(text)
    assert pinyin == ("nin2 hao3！wo3 shi4 zhang3 zhe3 fu2 wu4 zhu4 shou3。"
                      "qing3 dian3 yi2 xia4，huo4 zhe3 zhi2 jie1 shuo1。")
    assert len(pacing.phrases(pinyin)) == len(pacing.phrases(text)) == 4


def test_the_voice_hands_espeak_the_pinyin(monkeypatch):
    from kiosk.speech import tts

    handed: List[str] = []

    class Recorder:
        def __init__(self, voice: str) -> None:
            pass

        def phrase(self, text: str, espeak_rate: int):
            import numpy as np

            handed.append(text)
            return np.full(2205 * len(text.split()), 3000, dtype=np.int16), 22050

    monkeypatch.setattr(tts, "Synthesizer", Recorder)
    voice = tts.Voice()
    try:
        voice.render("您的养老金 3,215.60 元，已于11月15日发放。")
    finally:
        voice.close()
    assert handed[:2] == ["nin2 de5 yang3 lao3 jin1 san1 qian1 er4 bai3 yi1 shi2 wu3 yuan2 liu4 jiao3，",
                          "yi3 yu2 shi2 yi1 yue4 shi2 wu3 ri4 fa1 fang4。"]


def test_say_dry_run_prints_what_espeak_gets_on_its_last_line():
    text = "您好！我是长者服务助手。请拨打12345。"
    run = subprocess.run([sys.executable, str(REPO / "main.py"), "say", "--dry-run", text], cwd=REPO,
                         capture_output=True, text=True, timeout=120, check=True)
    last = run.stdout.strip().splitlines()[-1]
    assert last == load().to_pinyin(verbalize(text))
    assert last == "nin2 hao3！wo3 shi4 zhang3 zhe3 fu2 wu4 zhu4 shou3。qing3 bo1 da3 yao1 er4 san1 si4 wu3。"


def test_latin_letters_and_unknown_signs_pass_through():
    pronouncer = Pronouncer()
    assert pronouncer.to_pinyin("X 只能是最后一位") == "X zhi3 neng2 shi4 zui4 hou4 yi2 wei4"
    assert pronouncer.to_pinyin("请点“首页”。") == "qing3 dian3“shou3 ye4”。"


# -- 6. espeak-ng says what was meant ---------------------------------------------------------------

def phonemes(text: str) -> str:
    return subprocess.run(["espeak-ng", "-v", "cmn-latn-pinyin", "-q", "-x", text], capture_output=True,
                          text=True, check=True, timeout=30).stdout


@pytest.mark.parametrize("text, wanted, unwanted", [
    ("长者服务助手", "ts.'a", "ts.h'A"),         # zhang3 (unaspirated zh), not chang2
    ("到银行网点", "X'a35N", "S;'i35N"),         # hang2, not xing2
    ("于都县", "t'u55", "t'ou55"),                # du1, not dou1
    ("请重新输入", "ts.h'ong35", "ts.'ong51"),     # chong2, not zhong4
    ("不是", "p'u35", "p'u51"),                   # bu2 before a fourth tone, not bu4
])
def test_espeak_says_the_intended_tones(text, wanted, unwanted):
    ours = phonemes(load().to_pinyin(verbalize(text)))
    assert wanted in ours and unwanted not in ours, ours
    assert "(en)" not in ours
    characters = phonemes(text)  # what the kiosk said before: espeak-ng's own dictionary
    assert unwanted in characters and wanted not in characters, characters


def test_espeak_does_the_third_tone_sandhi_itself():
    """ni3 hao3 comes out rising-then-dipping (35 214): so third tones are left as 3 here."""
    ours = phonemes(load().to_pinyin("你好"))
    assert "n'i35" in ours and "X'Au214" in ours, ours
    assert phonemes(load().to_pinyin("请您稍等一下")).startswith("tS;h'i21N")  # qing3 before nin2: half third


def test_neutral_tone_is_what_espeak_expects():
    """espeak-ng's pinyin voice takes 5 as the neutral tone and pitches it from the tone before
    (mA22 after a first tone, mA11 after a fourth); without a number it would say a first tone."""
    assert "t@11" in phonemes("shi4 de5") and "t@44" in phonemes("hao3 de5")
    assert "t'@55" in phonemes("de")


def test_the_wav_is_speech_of_plausible_length(tmp_path):
    from kiosk.speech.audio_out import NullSink, write_wav
    from kiosk.speech.tts import Voice

    text = "您好！我是长者服务助手。请拨打12345。"
    voice = Voice(NullSink())
    try:
        samples, rate = voice.render(text)
    finally:
        voice.close()
    path = tmp_path / "greeting.wav"
    write_wav(path, samples, rate)
    with wave.open(str(path), "rb") as wav:
        seconds = wav.getnframes() / wav.getframerate()
    units = pacing.spoken_units(verbalize(text))
    assert units / 260 * 60 <= seconds <= units / 150 * 60 + 1.0, seconds
    assert abs(samples.astype(float)).mean() > 100  # speech, not silence


def test_a_broken_phrase_list_falls_back_to_characters(monkeypatch):
    """Residents must still hear something: espeak-ng then reads the characters as before."""
    from kiosk.speech import pronounce, tts

    def broken(text: str) -> str:
        raise ValueError("pronunciations.yaml: 于都 is given twice")

    monkeypatch.setattr(pronounce, "to_pinyin", broken)
    spoken, phrases = tts.espeak_phrases("您好！请点一下。")
    assert phrases == ["您好！", "请点一下。"]
