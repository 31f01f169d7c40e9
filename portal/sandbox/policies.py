"""Policy questions older residents ask, searchable in their own words.

Search normalises colloquial words first (退休金 -> 养老金), then scores each entry by its
keywords found in the question (longer matches weigh more) and by shared two-character
pieces of its title, so "我八十岁了有没有补贴" finds 高龄补贴.
"""

from __future__ import annotations

import json as jsonlib
from typing import Any, Dict, List

from sanic import Blueprint, Request, json

from portal.sandbox.replies import ContractError

policies = Blueprint("policies", url_prefix="/v1/policies")

SYNONYMS = {
    "退休金": "养老金", "退休工资": "养老金", "养老钱": "养老金", "老人证": "优待证",
    "老年证": "优待证", "社保卡": "医保卡", "坐公交": "公交", "坐车": "公交",
    "八十岁": "80岁", "九十岁": "90岁",
}
MAX_RESULTS = 5


def normalise(text: str) -> str:
    for colloquial, canonical in SYNONYMS.items():
        text = text.replace(colloquial, canonical)
    return text


def _pairs(text: str) -> set:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def score(question: str, title: str, keywords: List[str]) -> int:
    found = sum(len(normalise(word)) * 2 for word in keywords if normalise(word) in question)
    return found + len(_pairs(question) & _pairs(normalise(title)))


def view(row) -> Dict[str, Any]:
    return {"id": row["id"], "title": row["title"], "answer": row["answer"]}


@policies.get("")
async def search(request: Request):
    question = normalise(request.args.get("q", "").strip())
    if len(question) > 200:
        raise ContractError(400, "invalid_request", "'q' is too long")
    rows = request.ctx.db.execute("SELECT * FROM policies ORDER BY id").fetchall()
    if not question:
        return json({"results": [view(row) for row in rows]})
    scored = [(score(question, row["title"], jsonlib.loads(row["keywords"])), row) for row in rows]
    ranked = sorted((item for item in scored if item[0] > 1), key=lambda item: -item[0])
    return json({"results": [dict(view(row), score=points) for points, row in ranked[:MAX_RESULTS]]})


@policies.get("/<policy_id>")
async def one(request: Request, policy_id: str):
    row = request.ctx.db.execute("SELECT * FROM policies WHERE id=?", (policy_id,)).fetchone()
    if row is None:
        raise ContractError(404, "policy_not_found", "no such policy entry")
    return json(view(row))
