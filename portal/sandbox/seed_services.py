"""Fictional records beyond identity and pension: medical accounts, yearly certifications,
12345 cases, service halls and their appointment slots. Deterministic for a given seed,
with dates relative to the day the sandbox is seeded."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Dict, List, Tuple

from common import understanding
from common.idnumber import GANZHOU_DISTRICTS
from common.numbers import case_number_check
from portal.sandbox.seed import Resident

DISTRICTS: List[str] = list(GANZHOU_DISTRICTS.values())
CATEGORIES = ["市容环境", "道路交通", "供水供电", "住房物业", "社会保障", "医疗卫生", "噪音扰民", "其他"]
STATUSES = ["已受理", "已转办", "办理中", "已办结"]
DEPARTMENTS = {
    "市容环境": "城市管理局", "道路交通": "交通运输局", "供水供电": "供水公司", "住房物业": "住房和城乡建设局",
    "社会保障": "人力资源和社会保障局", "医疗卫生": "卫生健康委员会", "噪音扰民": "生态环境局", "其他": "街道办事处",
}
HALL_SERVICES = list(understanding.HALL_SERVICES)  # one list for the kiosk and the sandbox
MATERIALS = {
    "社保业务": ["身份证", "社保卡"],
    "医保业务": ["身份证", "医保卡（社保卡）"],
    "户籍业务": ["身份证", "户口本"],
    "老年人优待证": ["身份证", "一寸照片一张"],
    "高龄补贴申请": ["身份证", "户口本", "银行卡或社保卡"],
}
ROADS = ["文明大道", "长征大道", "红旗大道", "健康路", "和谐路", "幸福路", "迎宾大道", "建设路", "人民路"]
HOSPITALS = ["赣州市人民医院", "赣南医科大学第一附属医院", "赣州市中医院", "社区卫生服务中心"]
PROBLEMS = {
    "市容环境": ["小区门口的垃圾好几天没人收了。", "路边的绿化带里堆满了建筑垃圾。"],
    "道路交通": ["路口的红绿灯坏了，过马路很危险。", "人行道上的井盖松动了。"],
    "供水供电": ["家里已经停水两天了。", "楼道的灯坏了，晚上看不见路。"],
    "住房物业": ["楼顶漏水，物业一直不来修。", "电梯经常停，老人上下楼很难。"],
    "社会保障": ["高龄补贴好几个月没到账。", "养老金认证做了还是显示没认证。"],
    "医疗卫生": ["社区医院没有常用的降压药。", "看病排队时间太长。"],
    "噪音扰民": ["晚上广场舞音响太大，影响休息。", "夜里有工地施工，吵得睡不着。"],
    "其他": ["公园的长椅坏了，老人没地方坐。", "公交站没有遮雨棚。"],
}
SLOT_TIMES = ["09:00", "09:30", "10:00", "10:30", "11:00", "14:00", "14:30", "15:00", "15:30",
              "16:00", "16:30"]
SLOT_MINUTES = 30
SLOT_CAPACITY = 4
BOOKING_DAYS = 14


@dataclass(frozen=True)
class Hall:
    hall_id: str
    name: str
    district: str
    address: str
    phone: str
    hours: str


def money(rng: random.Random, low: int, high: int) -> int:
    """Cents, in whole jiao, between low and high yuan."""
    return rng.randrange(low * 100, high * 100, 10)


def medical_account(rng: random.Random, today: date) -> Tuple[int, List[Tuple[str, int]], List[Tuple]]:
    """Balance, this year's monthly contributions, and recent reimbursements."""
    monthly = money(rng, 60, 160)
    contributions = [(f"{today.year}-{m:02d}", monthly) for m in range(1, today.month + 1)]
    reimbursements = []
    for _ in range(rng.randint(0, 4)):
        day = today - timedelta(days=rng.randint(3, 200))
        total = money(rng, 80, 6000)
        reimbursed = int(total * rng.uniform(0.5, 0.85)) // 10 * 10
        reimbursements.append((day.isoformat(), rng.choice(HOSPITALS), total, reimbursed, total - reimbursed))
    reimbursements.sort(reverse=True)
    return money(rng, 200, 3000), contributions, reimbursements


def certification(rng: random.Random, today: date, demo_index: int) -> Tuple[str, str]:
    """(last_done, due_date). Demo residents: due soon, overdue, recently done."""
    offsets = {0: 345, 1: 380, 2: 40}
    ago = offsets.get(demo_index, rng.randint(10, 400))
    last_done = today - timedelta(days=ago)
    return last_done.isoformat(), (last_done + timedelta(days=365)).isoformat()


def case_number(rng: random.Random) -> str:
    """16 digits: 15 at random (never a leading 0) and the check digit (common.numbers).

    Random so a case number cannot be guessed from another (they were date, district and a
    running count); the check digit lets the keypad catch a mistyped one."""
    body = str(rng.randrange(10 ** 14, 10 ** 15))
    return body + case_number_check(body)


def timeline(rng: random.Random, accepted: datetime, steps: int, department: str) -> List[Tuple[str, str, str]]:
    """[(status, ISO time, department)] for the first `steps` statuses."""
    events, moment = [], accepted
    for status in STATUSES[:steps]:
        events.append((status, moment.isoformat(timespec="minutes"), "12345热线" if status == "已受理" else department))
        moment += timedelta(hours=rng.randint(3, 60))
    return events


def cases(residents: List[Resident], rng: random.Random, today: date, count: int = 150) -> List[Dict]:
    """Seeded 12345 cases, each reported by a verified resident with their own phone. The demo
    resident (residents[0], 张桂英) has the first two: one closed and not yet rated, one open."""
    out, numbers = [], set()
    for sequence in range(1, count + 1):
        demo = sequence <= 2
        resident = residents[0] if demo else rng.choice(residents)
        category = rng.choice(CATEGORIES)
        district = GANZHOU_DISTRICTS[resident.district_code]
        accepted = datetime.combine(today - timedelta(days=rng.randint(1, 90)), time(rng.randint(8, 17), 0))
        steps = {1: 4, 2: 3}.get(sequence, rng.randint(1, 4))
        number = case_number(rng)
        while number in numbers:
            number = case_number(rng)
        numbers.add(number)
        out.append({
            "case_number": number, "category": category, "description": rng.choice(PROBLEMS[category]),
            "place": f"{district}{rng.choice(ROADS)}附近", "district": district,
            "contact_phone": resident.phone, "idempotency_key": f"seed-{sequence}",
            "reporter": resident.id_number, "created_at": accepted.timestamp(),
            "timeline": timeline(rng, accepted, steps, DEPARTMENTS[category]),
        })
    return out


def halls() -> List[Hall]:
    out = []
    for index, district in enumerate(DISTRICTS):
        out.append(Hall(f"H{index + 1:02d}", f"{district}政务服务中心", district,
                        f"{district}{ROADS[index % len(ROADS)]}{18 + index * 7}号",
                        f"0797-{8012345 + index * 1117}",
                        "周一至周五 上午9:00-12:00，下午2:00-5:00"))
    return out


def slot_days(today: date) -> List[date]:
    """Working days from tomorrow for two weeks."""
    days = [today + timedelta(days=offset) for offset in range(1, BOOKING_DAYS + 1)]
    return [day for day in days if day.weekday() < 5]


def into(connection, residents: List[Resident], today: date) -> None:
    """Write every service's records for the seeded residents (inside the caller's transaction)."""
    import json
    from pathlib import Path

    import yaml

    rng = random.Random(f"services-{today.isoformat()}")
    for index, resident in enumerate(residents):
        balance, contributions, reimbursements = medical_account(rng, today)
        connection.execute("INSERT INTO medical_accounts VALUES (?, ?)", (resident.id_number, balance))
        connection.executemany("INSERT INTO medical_contributions VALUES (?, ?, ?)",
                               [(resident.id_number, month, cents) for month, cents in contributions])
        connection.executemany("INSERT INTO reimbursements VALUES (?, ?, ?, ?, ?, ?)",
                               [(resident.id_number, *row) for row in reimbursements])
        connection.execute("INSERT INTO certifications VALUES (?, ?, ?)",
                           (resident.id_number, *certification(rng, today, index)))
    for case in cases(residents, rng, today):
        connection.execute(
            "INSERT INTO hotline_cases VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, NULL, ?)",
            (case["case_number"], case["idempotency_key"], "seed", case["category"],
             case["description"], case["place"], case["district"], case["contact_phone"],
             case["reporter"], case["created_at"]))
        connection.executemany("INSERT INTO case_events VALUES (?, ?, ?, ?, ?)",
                               [(case["case_number"], step, *event)
                                for step, event in enumerate(case["timeline"])])
    for hall in halls():
        connection.execute("INSERT INTO halls VALUES (?, ?, ?, ?, ?, ?)",
                           (hall.hall_id, hall.name, hall.district, hall.address, hall.phone, hall.hours))
    policies = yaml.safe_load((Path(__file__).parent / "data" / "policies.yaml").read_text(encoding="utf-8"))
    for policy in policies:
        keywords = json.dumps([str(word) for word in policy["keywords"]], ensure_ascii=False)
        connection.execute("INSERT INTO policies VALUES (?, ?, ?, ?)",
                           (policy["id"], policy["title"], keywords, policy["answer"]))
