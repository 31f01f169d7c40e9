"""Write data/nlu/phrasings.yml: many ways older residents say each request, from parts.

Hand-written examples (the other files) are what the NLU report holds out and tests on;
these generated ones only widen training: a filler or two (那个, 呃, 就是), a polite or
plain opening, a core phrase with colloquial and local words (退休工资, 养老钱, 冇), and an
ending particle, without punctuation, as a recogniser writes them. Deterministic.
Run after editing: .venv/bin/python nlu/tools/make_phrasings.py
"""

from __future__ import annotations

import random
import sys
from itertools import product
from pathlib import Path
from typing import Dict, List

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

import yaml  # noqa: E402

from nlu.tools.detail_phrasings import with_details  # noqa: E402
from nlu.tools.nlu_examples import DATA, examples, write  # noqa: E402

TESTS = Path(__file__).resolve().parent.parent / "tests"

SEED = 11
PER_INTENT = 70
FAMILY_WORDS = ["儿子", "女儿", "老伴", "孙子", "儿媳妇", "女婿", "崽", "家里人"]  # who 代办 sentences name
OPENINGS = ["", "", "我想", "帮我", "请问", "那个", "呃", "就是", "麻烦你", "同志", "我要"]
ENDINGS = ["", "", "", "啊", "呀", "吗", "呢", "一下", "嘞"]

# Everyday things residents also ask a machine about: weather, prices, health, transport,
# appliances, cooking, family, money, the calendar.
OUT_OF_SCOPE_TOPICS = [
    "天气", "天气预报", "猪肉价钱", "鸡蛋", "菜市场", "超市", "老花镜", "降压药", "感冒药", "膝盖疼",
    "头晕", "血糖高", "失眠", "火车票", "出租车", "理发店", "电视剧", "采茶戏", "新闻", "彩票", "股票",
    "麻将", "广场舞队", "手机充电", "微信视频", "电视机", "洗衣机", "冰箱", "空调遥控器", "热水器", "红烧肉",
    "包粽子", "米粉", "孙子上学", "猫狗生病", "金价", "理财", "钓鱼", "公园", "药店", "旅游团", "手机拍照",
    "牙齿", "养花", "种辣椒", "过年", "快递", "算命", "菜园", "电视节目", "老年大学唱歌",
]
ASKED_EVERY_WAY = [
    "怎么样", "多少", "怎么办", "在哪里", "帮我看看", "说说", "给我讲讲", "帮我弄一下", "是什么时候",
    "好不好", "怎么做", "在哪里做", "要不要做", "查一下", "怎么走", "几点开门", "几点关门", "电话多少",
    "要带什么", "有什么讲究", "要什么条件", "有多少", "看看", "怎么弄", "多少钱", "坏了怎么办", "帮我查查",
    "是怎么回事", "能不能",
]

CORES: Dict[str, List[str]] = {
    "query_pension": [
        f"{who}{thing}{ask}" for who, thing, ask in product(
            ["", "我的", "我", "老人家的", "我们的"],
            ["退休金", "养老金", "退休工资", "养老钱", "养老保险金", "退休的钱", "工资"],
            ["发了没有", "到账没有", "到了没", "有多少", "发了多少", "什么时候发", "查一下", "看看", "打到卡上没有",
             "发冇", "怎么还没到", "这个月发了吗"])],
    "pension_certification": [
        f"{thing}{ask}" for thing, ask in product(
            ["资格认证", "养老认证", "年审", "刷脸认证", "生存认证", "待遇认证", "养老金认证", "每年那个认证"],
            ["怎么做", "做了没有", "到期了没", "在哪里做", "要不要做", "过期了吗", "查一下", "我要做"])],
    "query_medical_insurance": [
        f"{thing}{ask}" for thing, ask in product(
            ["医保", "医保卡", "社保卡", "医保账户", "看病的钱", "医疗保险", "住院报销", "看病报销", "报销的钱"],
            ["还有多少钱", "余额多少", "查一下", "报了没有", "到账了没", "有多少", "存了多少", "看看"])],
    "hotline_report": [
        f"{lead}{problem}" for lead, problem in product(
            ["", "我要反映", "我想投诉", "帮我反映一下", "我要找12345说", "有个事要反映", "打12345"],
            ["楼道的灯坏了", "路灯不亮", "垃圾没人收", "小区停水了", "停电好几天了", "楼上太吵了", "路上有个大坑",
             "井盖没了", "物业不管事", "电梯坏了", "广场舞太吵", "工地晚上施工", "下水道堵了", "水管爆了",
             "狗屎没人管", "公交站没有棚子", ""])
        if lead or problem] + [
        # A public place and what is wrong with it: what 12345 is for (a broken fan at home is not).
        f"{place}{problem}" for place, problem in product(
            ["小区里", "我们村", "马路上", "巷子里", "广场上", "停车场", "村口", "河边", "街上", "楼道里",
             "学校门口", "公交站", "菜市场门口", "公园里", "桥上", "路口", "小区门口", "我们楼下", "村里的水塘",
             "人行道上", "老街上"],
            ["水管漏水", "没人扫地", "堵了好几天", "积水走不了", "有人乱停车", "吵得睡不着", "灯不亮",
             "垃圾堆成山", "有个大洞", "路烂了", "臭得要命", "老鼠成群", "蚊子多得很 冇人打药", "有人乱搭棚子",
             "天天有人摆摊", "栏杆断了", "有人乱倒垃圾", "树倒了冇人管", "水压低得很", "电线垂下来了 好危险"])] + [
        # What is wrong, then that nobody deals with it: the way a complaint usually ends.
        f"{problem}{tail}" for problem, tail in product(
            ["路灯坏了", "垃圾冇人清", "水沟堵了", "路面塌了", "电梯不动了", "楼道里堆满东西", "水管破了",
             "井盖翘起来了", "工地天天吵", "油烟熏得受不了"],
            ["冇人管", "好久冇人修", "物业也不管", "要政府管一管", "我要反映", "帮我报上去", "一直冇人处理"])],
    "hotline_track": [
        f"{thing}{ask}" for thing, ask in product(
            ["我反映的事", "上次投诉的事", "办件", "12345的事", "我报的问题", "那个编号", "我打12345说的事",
             "投诉"],
            ["办得怎么样了", "有结果没有", "进度怎么样", "处理了没有", "查一下进度", "到哪一步了", "办好了没",
             "有回音冇"])] + [
        # A report already made, asked after: when it was said, what it was about, what came of it.
        f"{when}{what}{ask}" for when, what, ask in product(
            ["上回反映的", "上个月报的", "前几天投诉的", "我打12345说的", "上礼拜报上去的"],
            ["路灯", "垃圾", "噪音", "下水道", "漏水的事", "那个坑"],
            ["有人管冇", "修好了冇", "处理了冇", "怎么还冇人来", "有回复冇"])],
    "hotline_rate": [
        f"{lead}{ask}" for lead, ask in product(
            ["", "给上次的事", "给12345", "对办件", "对处理结果"],
            ["评价一下", "打个分", "我要评价", "说说满不满意", "给个评价", "打分"])],
    "book_appointment": [
        f"{lead}{what}" for lead, what in product(
            ["帮我预约", "我要预约", "想约个时间", "约一下", "帮我挂个号", "我想去大厅", "明天去大厅办"],
            ["", "社保的事", "医保的事", "办优待证", "申请高龄补贴", "办户口", "去大厅办事", "去社保局"])],
    "service_hall_info": [
        f"{place}{ask}" for place, ask in product(
            ["办事大厅", "政务大厅", "社保大厅", "政务服务中心", "社保局", "于都的大厅", "瑞金的办事大厅",
             "兴国的政务中心"],
            ["在哪里", "怎么走", "几点上班", "电话多少", "地址在哪", "周末开不开门", "要带什么"])],
    "policy_question": [
        f"{topic}{ask}" for topic, ask in product(
            ["高龄补贴", "老年人优待证", "老人证", "坐公交", "医保报销比例", "养老金调整", "异地就医", "慢性病门诊",
             "大病保险", "社保卡丢了", "身份证过期", "居家养老服务", "老年食堂", "养老保险缴费", "防诈骗",
             "高龄津贴发放", "残疾人补贴", "老年人免费体检", "养老院补贴", "特困供养", "临时救助"],
            ["怎么办", "有什么政策", "是怎么规定的", "问一下", "能不能享受", "要什么条件", "怎么领", "是怎么回事"])],
    # Requests outside what the kiosk does, as many as a service gets, so "decline" is learned
    # as firmly as any errand; asked with the very words the errands use (在哪里, 怎么做, 查一下,
    # 几点关门), so the model learns that the topic decides, not the question word.
    "pay_for_self": [
        f"{frame}" for frame in ["给我自己交", "交我本人的", "我自己那份", "就交我的那份", "我本人交", "交我个人的",
                                 "我自己的医保交一下", "我自己的养老保险", "交我一个人的", "是我本人的"]],
    "pay_for_family": [
        frame.format(who=who) for who, frame in product(
            ["老伴", "老头子", "老婆子", "儿子", "崽", "女儿", "孙子", "孙女", "外孙", "外孙女", "儿媳妇", "女婿",
             "屋里人", "家里人", "老娘", "爱人"],
            ["给我{who}交", "帮{who}交医保", "交我{who}的那份", "我{who}的医保", "替{who}交养老保险",
             "是给{who}交的"])],
    # Anyone outside the household the portal lists (a brother living apart, a neighbour), paid
    # by their identity number: the words for who they are, and that they are not here.
    "pay_for_other": [
        frame.format(who=who) for who, frame in product(
            ["邻居", "哥哥", "姐姐", "弟弟", "妹妹", "朋友", "亲戚", "同村的人", "老同事", "舅舅", "姑姑", "别人",
             "其他人", "老表", "楼下的老李", "隔壁的王婆婆"],
            ["帮{who}交医保", "替{who}交养老保险", "给{who}缴费 人不在这里", "用身份证号帮{who}交",
             "帮{who}把医保交了", "我有{who}的身份证号 帮着交"])],
    # Paying, with nobody named: the contribution, its deadline, or just that money is to be paid.
    "pay_contribution": [
        frame.format(what=what) for what, frame in product(
            ["医保", "医保费", "居民医保", "养老保险", "保险费", "新农合", "明年的医保", "社保费"],
            ["我要交{what}", "{what}在这里能交吗", "{what}快截止了 赶紧交", "我是来交{what}的", "{what}要交钱了",
             "{what}过了年就断了 先交上", "到这里交{what}", "{what}交钱"])],
    # Seeing what was booked, with the words for a booking (预约, 约的号, 约好的) and for when/where.
    "my_appointments": [
        frame.format(booking=booking) for booking, frame in product(
            ["预约", "约的号", "约好的", "约的那个", "挂的号"],
            ["看看我的{booking}", "我{booking}是什么时候", "我{booking}在哪个大厅", "我{booking}还作数吗",
             "查一下我{booking}", "我{booking}是几点"])],
    "payment_cancel": [
        frame.format(what=what) for what, frame in product(
            ["钱", "这笔", "这个单子", "付款", "这笔费"],
            ["{what}不付了", "{what}不要了", "{what}取消掉", "{what}先不交了", "不扫了 {what}取消"])],
    "send_pay_link": [
        frame.format(who=who) for who, frame in product(
            ["儿子", "崽", "女儿", "孙子", "孙女", "外孙", "女婿", "老伴", "屋里人", "家里人"],
            ["发短信给{who}让他付", "让{who}付钱", "叫{who}在手机上付", "把付款链接发给{who}", "钱让{who}出 发给他",
             "发个付钱的短信给{who}", "发到{who}手机上", "发短信给{who}"])],
    # 代办: giving, seeing and taking back an authorisation are told apart by their verbs (给/让
    # against 不让/取消/收回) and by asking who, not by the relative named.
    "authorise_family": [
        frame.format(who=who) for who, frame in product(FAMILY_WORDS, [
            "授权给我{who}", "让我{who}替我办事", "我要给{who}授权", "以后让{who}帮我办", "给{who}开个代办",
            "同意{who}帮我办事"])],
    "withdraw_authorisation": [
        frame.format(who=who) for who, frame in product(FAMILY_WORDS, [
            "不让{who}替我办了", "取消{who}的代办", "{who}的授权不要了", "别让{who}帮我办了", "收回给{who}的授权",
            "{who}以后不用帮我办了"])],
    "my_authorisations": [
        f"{lead}{ask}" for lead, ask in product(["", "看看", "查一下", "我想知道"], [
            "我给谁授权了", "我的代办授权", "谁能替我办事", "代办人名单", "我授权了哪些人", "哪些家人能帮我办"])],
    "out_of_scope": [f"{topic}{ask}" for topic, ask in product(OUT_OF_SCOPE_TOPICS, ASKED_EVERY_WAY)],
    "greet": ["你好", "您好", "喂", "在吗", "有人吗", "早上好", "下午好", "小同志你好", "你好啊", "哈喽", "同志你好",
              "老表你好", "有人在冇", "喂 你好", "你好 问个事"],
    "goodbye": ["再见", "拜拜", "我走了", "没事了", "就这些", "先回去了", "好了不办了走了", "下次再来",
                "我回屋里去了", "那就这样子", "今天就这样", "走咯"],
    "thank": ["谢谢", "谢谢你", "多谢", "麻烦你了", "辛苦了", "太感谢了", "谢谢同志", "好的谢谢"],
    "affirm": ["是", "是的", "对", "对的", "没错", "好", "好的", "可以", "行", "嗯", "对头", "要得", "确认",
               "就是这样", "没问题",
               "是这样", "同意", "对的对的", "好嘞", "可以的", "就这样", "确定", "冇错"],
    "deny": ["不是", "不对", "错了", "不要", "不用", "不用了", "不需要", "搞错了", "不是这个", "不行"],
    "repeat": ["再说一遍", "没听清", "你说啥", "刚才说什么", "重复一下", "再讲一次", "没听见你说的"],
    "go_back": ["返回", "回去", "上一步", "退回去", "回到上一步", "往回退"],
    "cancel": ["不办了", "算了", "取消", "不弄了", "不查了", "不要了", "我不想办了", "停下来",
               "先不办了", "这个不弄了", "取消掉吧", "不搞了"],
    "help_volunteer": ["找人帮忙", "找工作人员", "叫个人来", "我不会弄", "我搞不懂", "叫志愿者", "帮帮我",
                       "我要人工", "找个人帮我弄", "喊个人来帮我", "我弄不来这个", "叫工作人员过来",
                       "有冇人帮下忙", "谁来帮帮我", "快来人帮帮我", "帮我一下 我不会",
                       "来个人帮帮忙"],
    "speak_slower": ["说慢一点", "慢一点", "说慢点", "太快了", "讲慢点", "慢慢说", "你说快了"],
    "speak_louder": ["大声一点", "大点声", "声音大一点", "听不见", "声音太小", "再大声点"],
    "enlarge_text": ["字大一点", "字太小了", "看不清字", "把字放大", "字再大点", "放大一点"],
}
# Kept short: a filler before a yes or a greeting changes little, and long templates there
# would drown the hand-written examples.
PER_INTENT_OVERRIDES = {"out_of_scope": 300, "hotline_report": 180, "policy_question": 100}
SHORT_INTENTS = {"greet", "goodbye", "thank", "affirm", "deny", "repeat", "go_back", "cancel",
                 "help_volunteer", "speak_slower", "speak_louder", "enlarge_text"}


def phrasings(intent: str, rng: random.Random, taken: set) -> List[str]:
    cores = CORES[intent]
    wanted = PER_INTENT_OVERRIDES.get(intent, PER_INTENT)
    target = min(wanted, len(cores) * (2 if intent in SHORT_INTENTS else 3))
    out: List[str] = []
    attempts = 0
    while len(out) < target and attempts < target * 20:
        attempts += 1
        core = rng.choice(cores)
        text = core if intent in SHORT_INTENTS and rng.random() < 0.5 else \
            f"{rng.choice(OPENINGS)}{core}{rng.choice(ENDINGS)}"
        if text and text not in taken:
            taken.add(text)
            out.append(text)
    return out


def held_out() -> set:
    """Every sentence of the test sets: generated examples must never be one of them."""
    texts = set()
    for path in TESTS.glob("*.yml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        texts |= {str(item["text"]) for item in data.get("sentences") or [] if isinstance(item, dict)}
        for value in (data.get("examples") or {}).values() if isinstance(data.get("examples"), dict) else []:
            texts |= set(map(str, value))
        if isinstance(data.get("examples"), list):
            texts |= set(map(str, data["examples"]))
    return texts


def main() -> None:
    rng = random.Random(SEED)
    taken = {text for _intent, text in examples()}
    pairs = [(intent, text) for intent in CORES for text in phrasings(intent, rng, taken)]
    pairs += with_details(random.Random(SEED + 1), taken, held_out())
    header = ("# Generated by nlu/tools/make_phrasings.py: ways of saying each request, from parts.\n"
              "# Training only (the NLU report tests on the hand-written files). Edit the script.\n")
    write(DATA / "phrasings.yml", pairs, header)
    print(f"wrote {len(pairs)} phrasings")


if __name__ == "__main__":
    main()
