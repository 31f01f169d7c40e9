"""Where a problem is and what it is, from a resident's 12345 report said in one breath.

"幸福小区门口的路灯坏了" is a place (幸福小区门口) and a problem (路灯坏了); "于都县贡江镇菜市场那边
噪音太吵了" adds a district, which common.understanding finds on its own. Residents put the place
first, as Chinese does, and end it with a word that says "place": 小区, 门口, 路, 村里, 旁边, 那边,
3栋. So a place is what comes before the problem when it ends with such a word; the problem
starts after the place's 的, or at its subject or event (路灯, 电梯, 停水, 有人, 晚上); the problem
must say something is wrong (坏, 堵, 吵, 冇人收 …), or nothing is found at all. What residents
say around the report (我要反映一下, 帮我跟12345说一下, a phone number) is left out, and so are
sentences about a case already reported or rated (上回反映的, 好评), which are other errands.

Rules, not a model: a few dozen words say "place" and "problem" in the way older residents of
Ganzhou speak, and a wrong place is read back and can be changed before anything is sent.
Pure Python, both environments.
"""

from __future__ import annotations

import re
from typing import List, Optional, Tuple

from common import number_finder
from common.idnumber import GANZHOU_DISTRICTS
from common.understanding_ratings import score_said
from common.understanding_text import Squeezed, squeeze

Found = Tuple[str, str, int, int]  # (entity, value, start, end)


def _words(words: str) -> str:
    return "|".join(re.escape(word) for word in sorted(words.split(), key=len, reverse=True))


# The words a place ends with.
_PLACE_END = re.compile("(?:" + _words(
    "小区 社区 花园 家园 新村 公寓 大院 院子 院里 宿舍 村 村里 村口 村头 镇 镇上 乡 街道 街 街上 路 马路 大道 大街 "
    "巷 巷子 巷子里 弄 胡同 广场 公园 市场 菜市场 农贸市场 超市 商场 学校 小学 中学 幼儿园 医院 卫生院 车站 公交站 "
    "站 码头 桥头 桥下 桥上 河边 江边 湖边 楼 栋 幢 号楼 号 单元 楼下 楼上 楼道 楼梯 楼顶 门口 大门口 路口 十字路口 "
    "店 饭店 餐馆 酒店 宾馆 工厂 厂 停车场 车库 加油站 银行 工地 农田 田里 山上 山脚 河里 塘里 县城 城里 城区 市区 "
    "口 旁边 边上 附近 对面 后面 前面 后头 前头 下面 上面 底下 里 里面 里头 那边 那里 那儿 这边 这里 这儿 上 一带 "
    "周边 周围 家里 家 屋里") + r")$")
# Where the problem itself starts: what is broken or wrong, or what happens.
_PROBLEM_START = re.compile(_words(
    "路灯 电灯 灯泡 楼道灯 楼道的灯 楼梯灯 声控灯 下水道 水管 排水管 水龙头 水表 电表 燃气 煤气 天然气 门禁 监控 "
    "路牌 站牌 斑马线 减速带 台阶 楼梯 扶手 窗户 玻璃 墙皮 瓷砖 沙井 垃圾站 垃圾房 河道 水渠 池塘 水沟 排水沟 阴沟 "
    "井盖 窨井 电梯 垃圾 垃圾桶 自来水 红绿灯 信号灯 棚子 路面 "
    "树枝 电线 电线杆 化粪池 公厕 厕所 椅子 健身器材 围墙 栏杆 护栏 污水 臭水 噪音 油烟 流浪狗 老鼠 蚊子 "
    "苍蝇 货车 小广告 违章 违建 工地 音响 地面 地砖 屋顶 外墙 消防通道 人行道 "
    "停水 停电 断水 断电 没水 没电 冇水 冇电 有人 有个 有只 有条 有棵 有根 有辆 有些 有很多 有好多 好多 很多 "
    "天天 每天 经常 总是 一直 老是 晚上 半夜 夜里 白天 早上 一到 一下雨 下雨 摆摊 占道 乱停 乱扔 乱倒 乱堆 乱贴 "
    "乱搭 乱排 放音乐 跳广场舞 装修 施工 打桩"))
# Something is wrong: without one of these a sentence is no report. (坑 and 洞 alone, but not in
# the place names they begin: 坑口村, 洞头.)
_PROBLEM_CUE = re.compile(r"坑(?![口村头尾背塘上下])|洞(?![口村头尾背塘上下])|" + _words(
    "坏 堵 不亮 不通 不灵 没人 冇人 没有人 无人 停水 停电 断水 断电 没水 没电 冇水 冇电 吵 噪音 臭 脏 漏 淹 积水 "
    "倒了 裂 大坑 有坑 坑坑 坑洼 个坑 没了 满了 满出来 乱 占道 摆摊 烂 好黄 发黄 很黄 太黄 危险 污水 歪 松了 翘 冒水 "
    "冒烟 冒臭 油烟 垃圾 倒垃圾 蚊子 老鼠 苍蝇 流浪狗 违章 违建 "
    "扰民 排污 不管 不修 没修 断了 塌 破 爆 不稳 闪 黑漆漆 看不见 不安全 放音乐 打桩 施工 装修 堆满 杂物 占用 "
    "没有了 停了 不见了 不来水 没来水 不来电 挡住 挡路 难闻 刺鼻 浑浊 好浑 生锈 掉了 偷 拖欠 欠钱 乱收费 漏水 不出水 "
    "水压 太小 太大声 太响 好响 很响"))
# Said around the report, not part of it.
_ASK_FIRST = re.compile(
    r"^(?:(?:我要|我想|我来|想|要|帮我|麻烦你|麻烦|请|请你|你好|同志|老表)*(?:向|跟|给|找|打)?(?:12345)?"
    r"(?:反映|投诉|举报|报告|报修|报|说|讲|提)(?:一下|下|个|一个)?(?:问题|事情|事|情况|意见)?|打12345|找12345)")
_ASK_LAST = re.compile(
    r"(?:(?:我要|我想|要|想|帮我|麻烦)*(?:向|跟|给|找|打)?(?:12345)?(?:反映|投诉|举报|说|讲)(?:一下|下)?"
    r"|(?:帮我|麻烦)?(?:跟|向|给)12345(?:说|讲|反映)(?:一下|下)?|(?:你们)?管不管|怎么办|找谁)$")
_FILLER_FIRST = re.compile(r"^(?:呃|嗯|啊|那个|就是|老表|同志|你好|请问)+")
_LIVING_AT = re.compile(r"^(?:我家住在|我家住|我住在|我家在|我们在|我在|住在|在)")
_DISTRICT_FIRST = re.compile("^(?:" + "|".join(sorted(
    [re.escape(full) for full in GANZHOU_DISTRICTS.values()]
    + [re.escape(full[:-1]) for full in GANZHOU_DISTRICTS.values()],
    key=len, reverse=True)) + r")(?!县?城[的里]|县城)的?")  # 于都县城 is a place, 宁都县城北 城北
_NUMBER_CUE = re.compile(r"(?:我的|我)?(?:电话|手机|联系方式|号码|手机号)")
_PLACE_TAIL = re.compile(r"(?:的|那根|那个|那棵|那条|这个|这根|那些|个|有)+$")
# Other errands: a case reported before, its progress or its rating.
_OTHER_ERRAND = re.compile(
    r"上次|上回|上个月|上礼拜|上星期|前几天报|反映的|报的|投诉的|报修的|反映过|投诉过|进度|办到|有结果|回复|处理了冇|"
    r"处理了没|处理好了|办结|修好了|评价|打分|好评|差评|有冇人管|有没有人管|有冇人来|有没有人来")
_CLAUSE = re.compile(r"[^，,。.！!？?；;]+")
DESCRIPTION_SHORTEST = 4  # characters; a shorter problem is kept with its place ("我们小区停水了")


def _clean(clause: str, start: int) -> Tuple[str, int]:
    """The clause without what is said around a report: (text, where it now starts)."""
    for pattern in (_FILLER_FIRST, _ASK_FIRST, _FILLER_FIRST, _LIVING_AT, _DISTRICT_FIRST):
        match = pattern.match(clause)
        if match and match.end() < len(clause):
            clause, start = clause[match.end():], start + match.end()
    numbers_in = number_finder.find_numbers(clause) + number_finder.find_case_numbers(clause)
    cuts = [len(clause)] + [found.start for found in numbers_in]
    number = _NUMBER_CUE.search(clause)
    if number:
        cuts.append(number.start())
    clause = clause[:min(cuts)]
    last = _ASK_LAST.search(clause)
    if last and last.start() > 0:
        clause = clause[:last.start()]
    return clause, start


# Words that say "place" but name none: "楼道的灯坏了" is a problem whose address is still to be
# asked (which building's 楼道?), not a place already given.
_BARE_PLACES = frozenset({
    "楼道", "楼梯", "楼下", "楼上", "楼顶", "门口", "大门口", "家里", "屋里", "里面", "里头", "旁边",
    "边上", "附近", "对面", "后面", "前面", "那边", "那里", "那儿", "这边", "这里", "这儿", "路上",
    "马路", "路口", "街上", "外面", "下面", "上面", "底下",
})


def _is_place(text: str) -> bool:
    return (len(text) >= 2 and text not in _BARE_PLACES and _PLACE_END.search(text) is not None
            and _PROBLEM_CUE.search(text) is None)


def _split(clause: str) -> Tuple[int, int]:
    """(end of the place, start of the problem) in a clause; (0, 0) when it names no place."""
    for match in re.finditer("的", clause):
        left = clause[:match.start()]
        if _is_place(left) and _PROBLEM_CUE.search(clause, match.end()):
            return match.start(), match.end()
    for match in _PROBLEM_START.finditer(clause):
        left = _PLACE_TAIL.sub("", clause[:match.start()])
        if match.start() > 0 and _is_place(left):
            return len(left), match.start()
        if match.start() > 0 and _PROBLEM_CUE.search(clause[:match.start()]) is None:
            continue
        break
    return 0, 0


def _report(text: str) -> Optional[Tuple[Tuple[int, int], Tuple[int, int]]]:
    """((place start, end), (problem start, end)) in `text`, the place (0, 0) when none was said."""
    clauses = [_clean(match.group(0), match.start()) for match in _CLAUSE.finditer(text)]
    clauses = [(clause, start) for clause, start in clauses if clause]
    first = next((index for index, (clause, _start) in enumerate(clauses) if _PROBLEM_CUE.search(clause)), None)
    if first is None:
        return None
    clause, start = clauses[first]
    if first > 0 and _is_place(clauses[first - 1][0]):  # "我住在幸福小区，楼道的灯坏了"
        before, before_start = clauses[first - 1]
        place, problem_start = (before_start, before_start + len(_PLACE_TAIL.sub("", before))), 0
    else:
        place_end, problem_start = _split(clause)
        place = (start, start + place_end) if place_end else (0, 0)
    end = start + len(clause)
    for following, following_start in clauses[first + 1:]:
        if not _PROBLEM_CUE.search(following) or following_start > end + 2:
            break
        end = following_start + len(following)
    problem = (start + problem_start, end)
    if len(text[problem[0]:problem[1]]) < DESCRIPTION_SHORTEST and place != (0, 0) and place[0] >= start:
        problem = (place[0], end)  # "我们小区停水了": the problem with its place
    return place, problem


def find_report(text: str) -> List[Found]:
    """[(entity, value, start, end)]: the place (when said) and the problem of a 12345 report, or
    nothing when the sentence says nothing is wrong or is about another errand."""
    squeezed: Squeezed = squeeze(text)
    said = squeezed.text
    if _OTHER_ERRAND.search(said) or score_said(said):
        return []
    found = _report(said)
    if found is None:
        return []
    details: List[Found] = []
    for entity, (start, end) in zip(("place", "problem_description"), found, strict=True):
        if end > start:
            details.append((entity, said[start:end], *squeezed.span(start, end)))
    return details
