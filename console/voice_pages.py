"""声音包 / Voice packs: staff record the kiosk's prompts in a human voice, in the browser.

A pack is made only with the speaker's consent, asked on the page in plain words and kept in
the pack's manifest with who asked and when. The record page shows one prompt in large type;
the browser records it (MediaRecorder, console/static/voice_record.js), plays it back, and
only 保留 (keep) uploads it. The server does the rest (kiosk/speech/recording.py: decode,
mono 16 kHz, trim silence, bring it to the synthetic voice's loudness) in a worker thread, so
a take being processed never holds up the help desk. The coverage page lists recorded,
missing and out-of-date prompts per pack. Staff only.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from sanic import Blueprint, Request, json
from sanic.response import HTTPResponse, redirect

from console.app import form_value, message, render, require
from kiosk.speech import recording
from kiosk.speech.pack_admin import coverage
from kiosk.speech.packs import Consent, Pack, PackError, list_packs, load_pack
from kiosk.speech.prompts import Catalogue, Prompt, load_catalogue

voice_pages = Blueprint("voice_pages")

CONSENT_TEXT = ("我同意社区服务中心录下我的声音，只用在本中心的长者服务助手上，读给来办事的居民听。"
                "我可以随时请中心删掉这些录音。")
LANGUAGES = {"cmn": "普通话", "hak": "客家话"}
NO_FOLDER = "这台志愿者台没有声音包的文件夹。请联系技术人员。"
NO_CONSENT = "没有录音人的同意，不能录。请先念给录音人听，他同意了再勾选。"


def _root(request: Request) -> Optional[Path]:
    return request.app.ctx.voice_packs


def _catalogue(request: Request) -> Catalogue:
    if request.app.ctx.voice_catalogue is None:
        request.app.ctx.voice_catalogue = load_catalogue()
    return request.app.ctx.voice_catalogue


def _pack(request: Request, pack_id: str) -> Pack:
    root = _root(request)
    if root is None:
        raise PackError(NO_FOLDER)
    return load_pack(root, pack_id)


def _staff_pack(request: Request, pack_id: str) -> Tuple[Optional[Pack], Optional[HTTPResponse]]:
    """The pack a staff page is about, or the page to answer with instead (login, refusal,
    no such pack)."""
    refused = require(request, "staff")
    if refused:
        return None, refused
    try:
        return _pack(request, pack_id), None
    except PackError as error:
        return None, message(request, str(error), status=404, back="/voice")


def _to_record(pack: Pack, catalogue: Catalogue) -> List[str]:
    """What is still to record, out-of-date prompts first (the kiosk says those already)."""
    report = coverage(pack, catalogue)
    return report.out_of_date + report.broken + report.missing


def _next_take(pack: Pack, catalogue: Catalogue, prompt: Prompt) -> Optional[int]:
    """The first part of `prompt` this pack has no recording of."""
    own = pack.prompts.get(prompt.key)
    return next((index for index, _ in prompt.takes if own is None or index not in own.parts), None)


@voice_pages.get("/voice")
async def packs_page(request: Request) -> HTTPResponse:
    refused = require(request, "staff")
    if refused:
        return refused
    root = _root(request)
    packs = list_packs(root) if root is not None else []
    catalogue = _catalogue(request)
    reports = [coverage(pack, catalogue) for pack in packs]
    return render(request, "voice_packs.html", reports=reports, languages=LANGUAGES, consent_text=CONSENT_TEXT,
                  problem="" if root is not None else NO_FOLDER, notice=request.args.get("notice", ""))


@voice_pages.post("/voice")
async def create_pack(request: Request) -> HTTPResponse:
    refused = require(request, "staff")
    if refused:
        return refused
    root = _root(request)
    fields = {name: form_value(request, name).strip() for name in ("pack_id", "name", "language", "speaker")}
    if root is None:
        return message(request, NO_FOLDER, status=503, back="/voice")
    if form_value(request, "consent") != "yes":
        return message(request, NO_CONSENT, status=400, back="/voice")
    if not fields["name"] or not fields["speaker"] or fields["language"] not in LANGUAGES:
        return message(request, "请填好声音包的名字、语言和录音人。", status=400, back="/voice")
    consent = Consent(fields["speaker"], datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds"),
                      CONSENT_TEXT, request.ctx.session.username)
    try:
        Pack.create(root, fields["pack_id"], fields["name"], fields["language"], consent)
    except PackError as error:
        return message(request, f"没有建成：{error}", status=400, back="/voice")
    return redirect(f"/voice/{fields['pack_id']}/record")


@voice_pages.get("/voice/<pack_id:str>")
async def coverage_page(request: Request, pack_id: str) -> HTTPResponse:
    pack, answer = _staff_pack(request, pack_id)
    if pack is None:
        return answer
    catalogue = _catalogue(request)
    return render(request, "voice_coverage.html", report=coverage(pack, catalogue), prompts=catalogue.prompts)


@voice_pages.get("/voice/<pack_id:str>/record")
async def record_page(request: Request, pack_id: str) -> HTTPResponse:
    pack, answer = _staff_pack(request, pack_id)
    if pack is None:
        return answer
    catalogue = _catalogue(request)
    word = request.args.get("word", "")
    if word:
        if word not in catalogue.words:
            return message(request, "没有这个词。", status=404, back=f"/voice/{pack_id}")
        return render(request, "voice_record.html", pack=pack, prompt=None, word=word, part=None, words=[word],
                      upload=f"/voice/{pack_id}/takes?word={word}")
    key = request.args.get("key") or next(iter(_to_record(pack, catalogue)), "")
    prompt = catalogue.get(key)
    if prompt is None:
        return message(request, "这个声音包已经全部录好了。", status=200, back=f"/voice/{pack_id}")
    part = request.args.get("part")
    index = int(part) if part and part.isdigit() else _next_take(pack, catalogue, prompt)
    if index is None:
        index = prompt.takes[0][0]
    words = [say for number, say in prompt.takes if number == index]
    return render(request, "voice_record.html", pack=pack, prompt=prompt, word="", part=index, words=words,
                  upload=f"/voice/{pack_id}/takes?key={prompt.key}&part={index}")


def _store(pack: Pack, catalogue: Catalogue, args: Dict[str, Any], data: bytes) -> recording.Take:
    word = args.get("word") or ""
    if word:
        return recording.store_word(pack, word, data)
    part = args.get("part") or ""
    return recording.store_take(pack, args.get("key") or "", data, int(part) if part.isdigit() else None,
                                catalogue)


@voice_pages.post("/voice/<pack_id:str>/takes")
async def keep_take(request: Request, pack_id: str) -> HTTPResponse:
    """One kept take (the browser's recording as the body): processed, stored, and where to go
    next. Errors are a sentence for the page to show; the take can be recorded again."""
    refused = require(request, "staff")
    if refused:
        return json({"error": "只有工作人员能录音。"}, status=403)
    try:
        pack = _pack(request, pack_id)
    except PackError as error:
        return json({"error": str(error)}, status=404)
    catalogue = _catalogue(request)
    args = {name: request.args.get(name, "") for name in ("key", "part", "word")}
    try:
        take = await asyncio.to_thread(_store, pack, catalogue, args, bytes(request.body or b""))
    except (recording.TakeError, PackError) as error:
        return json({"error": f"这段没有存下：{error}。请再录一遍。"}, status=400)
    left = _to_record(load_pack(pack.folder.parent, pack.id), catalogue)
    following = f"/voice/{pack.id}/record?key={left[0]}" if left else f"/voice/{pack.id}"
    if args["word"]:
        following = f"/voice/{pack.id}"
    return json({"seconds": round(take.seconds, 2), "level_dbfs": round(take.level_dbfs, 1),
                 "trimmed_seconds": round(take.trimmed_seconds, 2), "clipped": take.clipped, "next": following})
