"""Errands said together with their details, for make_phrasings.py.

Older residents often say everything at once: "下个礼拜三上午去章贡区办老年证我先预约",
"于都县贡江镇菜市场那边噪音太吵了", "办得太慢了我要给差评", "我叫…，身份证…，帮我查下养老金".
The hand-written examples are mostly short, and the detail-only answers (`inform`: "明天上午",
"章贡区") were the only examples with days and districts in them, so a first sentence full of
details was taken for an answer. These examples put the details into the errands' own
sentences. The intent model sees details as placeholders (nlu/components/
linear_intent_classifier.py), so which day or district is named matters little: the parts
vary the words around them. Deterministic, from a seeded generator; numbers and names are made
up here and checked by tests/nlu/test_understanding.py never to be a test set's.
"""

from __future__ import annotations

import random
from typing import Callable, Dict, List

DAYS = ["明天", "后天", "大后天", "下个礼拜一", "下礼拜二", "下个星期三", "这个礼拜四", "礼拜五", "周三", "下周一",
        "星期二", "初六", "初十", "农历十八", "20号", "下个月3号", "1月6号", "天光日", "明天早上", "后天下午"]
PARTS = ["", "", "", "上午", "下午", "早上", "九点", "上午十点", "下午三点", "两点半", "上昼", "下昼", "十点钟"]
DISTRICTS = ["", "", "章贡区", "于都", "于都县", "南康区", "南康", "瑞金", "瑞金市", "兴国", "会昌县", "宁都", "信丰县",
             "赣县区", "石城", "大余县", "崇义", "安远县", "寻乌", "全南县", "定南", "上犹县", "龙南"]
SERVICES = ["老年证", "老人证", "优待证", "社保", "社保卡", "医保", "医保卡", "户口", "户籍", "高龄补贴", "老年卡",
            "新农合", "换身份证", "补办身份证", "养老保险的事", "医保的事"]
BOOK = ["帮我约一下", "我先预约", "帮我预约", "能约吗", "给我排个号", "先约个号", "要不要预约", "帮我挂个号",
        "约个时间", "我想预约", "先帮我约好", "能不能帮我约"]

PLACES = ["幸福小区门口的", "我们小区", "文明大道上", "红旗路的", "菜市场旁边", "人民公园里面的", "我家楼下的",
          "阳光花园5栋", "新街那里", "我们村口", "东门口公交站的", "和平路和解放路路口的", "中心小学旁边",
          "我住的小区", "我们巷子里", "河边那条路上", "老街市场门口", "我们那栋楼", "18号楼后面的", "村里的"]
PROBLEMS = ["路灯坏了", "下水道堵了", "垃圾好几天冇人收", "停水了", "停电一整天了", "电梯又坏了", "井盖没了",
            "有个大坑", "噪音太吵了", "天天有人摆摊占道", "晚上有人放音乐好吵", "自来水好黄", "污水横流",
            "红绿灯不亮", "有棵树倒了", "路烂了好久冇人修", "一下雨就淹", "化粪池满了", "有人乱倒垃圾",
            "椅子坏了冇人修"]
REPORT_TAILS = ["", "", "，帮我跟12345说一下", "，我要反映", "，我要投诉", "，你们管不管", "，电话是{phone}",
                "，我手机号{phone}"]
REPORT_LEADS = ["", "", "", "我要反映一下，", "反映个问题 ", "我要投诉，", "帮我反映一下，", "老表，"]

REASONS = ["办得太慢了", "态度很好", "修得很快", "拖了好久", "没人来修", "处理得不错", "师傅很负责", "一个月都没办好",
           "说办结了其实没修", "问题解决了", "回复很及时", "踢皮球", "打了好几次电话才来", "路灯修好了",
           "水管修好了", "态度差", "太敷衍了"]
SCORES = ["差评", "好评", "五星", "五颗星", "一颗星", "三颗星", "两颗星", "很满意", "不满意", "非常满意", "很不满意",
          "满意", "给四星", "打五分"]
RATE_FORMS = ["{reason}，{score}", "{reason}我要给{score}", "{reason}，给个{score}", "{score}，{reason}",
              "编号{case}，{reason}，{score}", "给12345打个分，{score}，{reason}", "上次的事{reason}，{score}",
              "{reason}，我{score}"]

# A rating said alone at the rating step, in the words that otherwise read as something else:
# 太差了 as 算了 (cancel), 不好 as a call for help, 不怎么样 as out of scope, 不错 as 不对. Only
# words whose other reading does harm; 还行, 挺好的 read as yes, which the rating step takes.
RATING_ANSWERS = ["太差了", "太差", "很差", "非常差", "差劲", "太烂了", "很不好", "不太好", "不好", "不怎么样",
                  "不咋样", "一颗星", "两颗星", "一星", "三颗星", "四颗星", "马马虎虎", "凑合", "过得去", "不错",
                  "还不错", "一般般"]
ANSWER_FORMS = ["{w}", "{w}", "我觉得{w}", "嗯，{w}", "{w}啊", "感觉{w}", "就{w}吧", "说实话{w}"]

NAMES = ["张秀兰", "李冬生", "刘桂香", "陈福生", "钟春梅", "曾庆华", "赖金凤", "邱德明", "廖小英", "温春生"]
RESIDENT_ERRANDS = {
    "query_pension": ["帮我查下养老金", "查一下退休金", "我的养老金到了冇", "看下这个月的养老金"],
    "query_medical_insurance": ["我的医保还有多少钱", "查一下医保", "医保卡里还有多少", "看看医保余额"],
    "pension_certification": ["想做养老金认证", "我要做资格认证", "认证到期了没", "帮我做一下年审"],
}
TRACK_FORMS = ["帮我查一下编号{case}办到哪了", "编号{case}处理了冇", "办件编号是{case}，有结果了没",
               "查办件进度，手机号{phone}", "我打过12345，电话是{phone}，办得怎么样了", "{case}这个单子办好了没"]
HALL_FORMS = ["{district}的办事大厅在哪里", "{district}政务大厅几点开门", "{district}社保局怎么走",
              "{district}办事大厅电话多少", "去{district}的大厅要带什么"]


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("3589") + "".join(rng.choice("0123456789") for _ in range(9))


def _identity(rng: random.Random) -> str:
    return "3607" + "".join(rng.choice("0123456789") for _ in range(2)) + f"19{rng.randint(30, 65)}" \
        f"{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}" + "".join(rng.choice("0123456789") for _ in range(3)) \
        + rng.choice("0123456789X")


def _case(rng: random.Random) -> str:
    return f"2026{rng.randint(1, 11):02d}{rng.randint(1, 28):02d}" + "".join(rng.choice("0123456789") for _ in range(8))


def _appointment(rng: random.Random) -> str:
    day, part, district, service = rng.choice(DAYS), rng.choice(PARTS), rng.choice(DISTRICTS), rng.choice(SERVICES)
    go = rng.choice(["去", "想去", "要去", "到"]) + district
    do = "" if service.startswith(("换", "补")) else rng.choice(["办", "办", "弄", "申请"])
    shapes = [f"{day}{part}{go}{do}{service}{rng.choice(BOOK)}", f"{rng.choice(BOOK)}{day}{part}{go}{do}{service}",
              f"我想{day}{part}{go}{do}{service}，{rng.choice(BOOK)}", f"{day}{part}{go}{do}{service}"]
    return rng.choice(shapes)


def _report(rng: random.Random) -> str:
    district = rng.choice(["", "", "", "章贡区", "于都县", "南康区", "瑞金市", "兴国县"])
    tail = rng.choice(REPORT_TAILS).format(phone=_phone(rng))
    return f"{rng.choice(REPORT_LEADS)}{district}{rng.choice(PLACES)}{rng.choice(PROBLEMS)}{tail}"


def _rating(rng: random.Random) -> str:
    return rng.choice(RATE_FORMS).format(reason=rng.choice(REASONS), score=rng.choice(SCORES), case=_case(rng))


def _resident(intent: str) -> Callable[[random.Random], str]:
    def make(rng: random.Random) -> str:
        who = rng.choice([f"我叫{rng.choice(NAMES)}，", f"我是{rng.choice(NAMES)}，", ""])
        number = rng.choice([f"身份证{_identity(rng)}，", f"身份证号是{_identity(rng)} ", ""])
        if not who and not number:
            return f"我叫{rng.choice(NAMES)}，{rng.choice(RESIDENT_ERRANDS[intent])}"
        return f"{who}{number}{rng.choice(RESIDENT_ERRANDS[intent])}"
    return make


def _rating_answer(rng: random.Random) -> str:
    return rng.choice(ANSWER_FORMS).format(w=rng.choice(RATING_ANSWERS))


def _track(rng: random.Random) -> str:
    return rng.choice(TRACK_FORMS).format(case=_case(rng), phone=_phone(rng))


def _hall(rng: random.Random) -> str:
    return rng.choice(HALL_FORMS).format(district=rng.choice([d for d in DISTRICTS if d]))


MAKERS: Dict[str, Callable[[random.Random], str]] = {
    "book_appointment": _appointment, "hotline_report": _report, "hotline_rate": _rating,
    "hotline_track": _track, "service_hall_info": _hall, "inform": _rating_answer,
    **{intent: _resident(intent) for intent in RESIDENT_ERRANDS},
}
COUNTS = {"book_appointment": 90, "hotline_report": 80, "hotline_rate": 60, "hotline_track": 30,
          "service_hall_info": 25, "query_pension": 20, "query_medical_insurance": 20, "pension_certification": 15,
          "inform": 60}


def with_details(rng: random.Random, taken: set, held_out: set) -> List[tuple]:
    """(intent, text) pairs: each errand said with its details, none already taken or held out."""
    pairs = []
    for intent, maker in MAKERS.items():
        made = 0
        for _attempt in range(COUNTS[intent] * 20):
            if made == COUNTS[intent]:
                break
            text = maker(rng)
            if text not in taken and text not in held_out:
                taken.add(text)
                pairs.append((intent, text))
                made += 1
    return pairs
