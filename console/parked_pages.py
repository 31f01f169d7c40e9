"""待处理的提交: 12345 reports the portal refused, parked by the action server's outbox, for
staff to send once more or mark handled. Staff only; the buttons are forms with the session's
CSRF token like every other; the action server being away is a sentence, not an error."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, redirect

from console.app import render, require
from console.parked import ParkedClient, ParkedError

parked_pages = Blueprint("parked_pages")
NOTICES = {"retried": "已经重新提交了。如果平台还是不收，它会再出现在这里。",
           "handled": "已经记为处理好了，这条提交和电话号码都删掉了。"}
NOT_SET_UP = "这台志愿者台没有设置对话服务的地址。请联系技术人员。"


def _client(request: Request) -> ParkedClient:
    client = request.app.ctx.parked
    if client is None:
        raise ParkedError(NOT_SET_UP)
    return client


@parked_pages.get("/parked")
async def parked_list(request: Request) -> HTTPResponse:
    refused = require(request, "staff")
    if refused:
        return refused
    notice = NOTICES.get(request.args.get("notice", ""), "")
    try:
        items = await _client(request).parked()
    except ParkedError as why:
        return render(request, "parked.html", status=why.status, items=[], problem=why.message, notice=notice)
    return render(request, "parked.html", items=items, problem="", notice=notice)


async def _act(request: Request, reference: str, action: str) -> HTTPResponse:
    refused = require(request, "staff")
    if refused:
        return refused
    try:
        client = _client(request)
        await (client.retry if action == "retried" else client.handled)(reference)
    except ParkedError as why:
        return render(request, "parked.html", status=why.status, items=[], problem=why.message, notice="")
    return redirect(f"/parked?notice={action}")


@parked_pages.post("/parked/<reference:str>/retry")
async def retry(request: Request, reference: str) -> HTTPResponse:
    return await _act(request, reference, "retried")


@parked_pages.post("/parked/<reference:str>/handled")
async def handled(request: Request, reference: str) -> HTTPResponse:
    return await _act(request, reference, "handled")
