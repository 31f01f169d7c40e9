"""The small JSON API kiosks use: raise a help request, report their state and anonymous
usage, and collect what the console has for them (a claim, a volunteer's words, a lesson).

Every route takes the kiosk's own key for the kiosk id in its URL (console/kiosk_keys.py).
Bodies are checked against strict models: a wrong type is a 400 naming the field, never a
500 from deep inside the store, and nothing unchecked reaches the database.
"""

from __future__ import annotations

from typing import Annotated, Any, Dict, List, Optional, Tuple, Type, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from sanic import Blueprint, Request, json
from sanic.exceptions import BadRequest
from sanic.response import HTTPResponse

from console.kiosk_keys import KIOSK_ID

api = Blueprint("api", url_prefix="/api/kiosks")
Body = TypeVar("Body", bound=BaseModel)


def _storable(text: str) -> str:
    """Text SQLite and PostgreSQL can both store: no NUL, no lone UTF-16 surrogates."""
    if "\x00" in text or any("\ud800" <= char <= "\udfff" for char in text):
        raise ValueError("text must not contain NUL characters or lone surrogates")
    return text


Text = Annotated[str, AfterValidator(_storable)]


class _Strict(BaseModel):
    # Unknown fields are ignored (a newer kiosk may send more); known ones must have their type.
    model_config = ConfigDict(strict=True, extra="ignore", allow_inf_nan=False)


class HelpBody(_Strict):
    errand: Text = Field("", max_length=80)
    step: Text = Field("", max_length=80)
    transcript: List[Text] = Field(default_factory=list, max_length=100)
    identity_check: Text = Field("", max_length=64)  # the portal's staff check the resident waits for


class StatusBody(_Strict):
    consent: int = Field(0, ge=0, le=1)  # never null: the kiosk says yes (1) or no (0)
    lesson_id: Optional[Text] = Field(None, max_length=64)
    lesson_step: Optional[int] = Field(None, ge=0, le=10_000)
    lesson_steps: Optional[int] = Field(None, ge=0, le=10_000)
    step_since: Optional[float] = Field(None, ge=0)
    hints: Optional[int] = Field(None, ge=0, le=1_000_000)


class UsageEvent(_Strict):
    day: Text = Field("", max_length=10)
    kind: Text = Field("", max_length=30)
    errand: Text = Field("", max_length=40)
    step: Text = Field("", max_length=40)
    turns: int = Field(0, ge=0, le=1_000_000)


class UsageBody(_Strict):
    events: List[UsageEvent] = Field(default_factory=list, max_length=2000)  # kiosk/console_link.py keeps 2000


class DiskState(_Strict):
    free_bytes: int = Field(ge=0)
    total_bytes: int = Field(ge=0)


class MemoryState(_Strict):
    available_bytes: Optional[int] = Field(None, ge=0)
    total_bytes: Optional[int] = Field(None, ge=0)


class SystemState(_Strict):
    disk: DiskState
    memory: MemoryState


class DeviceState(_Strict):
    enabled: Optional[bool] = None
    present: Optional[bool] = None
    kind: Optional[Text] = Field(None, max_length=20)
    capture_devices: Optional[int] = Field(None, ge=0, le=1000)
    devices: Optional[int] = Field(None, ge=0, le=1000)


class HealthBody(_Strict):
    """The kiosk PC's health record (runtime/health_record.py), for the desk's 自助机 page."""

    version: Text = Field(max_length=64)
    checked_at: Text = Field(max_length=40)
    healthy: bool
    last_healthy_at: Optional[Text] = Field(None, max_length=40)
    services: Dict[Annotated[str, Field(max_length=40)], bool] = Field(default_factory=dict, max_length=20)
    system: SystemState
    devices: Dict[Annotated[str, Field(max_length=40)], DeviceState] = Field(default_factory=dict, max_length=20)
    problems: List[Annotated[Text, Field(max_length=120)]] = Field(default_factory=list, max_length=40)


def _problem(status: int, message: str, **more: Any) -> HTTPResponse:
    return json({"error": message, **more}, status=status)


def _checked(request: Request, kiosk_id: str, model: Optional[Type[Body]] = None
             ) -> Tuple[Optional[HTTPResponse], Optional[Body]]:
    """(a refusal, None) or (None, the validated body); the kiosk counts as seen."""
    if not KIOSK_ID.match(kiosk_id):
        return _problem(400, "a kiosk id has 1 to 64 letters, digits, '.', '_' or '-'"), None
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme != "Bearer" or not request.app.ctx.kiosk_keys.allows(kiosk_id, key.strip()):
        return _problem(401, f"no valid key for kiosk {kiosk_id}: the centre runs `main.py add-kiosk {kiosk_id}`"), None
    body = None
    if model is not None:
        try:
            content = request.json
        except BadRequest:
            return _problem(400, "the body is not JSON"), None
        if content is None:
            content = {}
        if not isinstance(content, dict):
            return _problem(400, "the body must be a JSON object"), None
        try:
            body = model.model_validate(content)
        except ValidationError as error:
            return _problem(400, "the body does not fit", problems=_problems(error)), None
    request.app.ctx.store.seen(kiosk_id)
    return None, body


def _problems(error: ValidationError) -> List[str]:
    return [f"{'.'.join(str(part) for part in problem['loc']) or 'body'}: {problem['msg']}"
            for problem in error.errors(include_url=False, include_input=False)][:10]


@api.post("/<kiosk_id>/help")
async def raise_help(request: Request, kiosk_id: str) -> HTTPResponse:
    refused, body = _checked(request, kiosk_id, HelpBody)
    if refused or body is None:
        return refused
    request_id = request.app.ctx.help_desk.raise_help(kiosk_id, body.errand, body.step, body.transcript,
                                                      body.identity_check)
    return json({"id": request_id}, status=201)


@api.get("/<kiosk_id>/events")
async def events(request: Request, kiosk_id: str) -> HTTPResponse:
    refused, _body = _checked(request, kiosk_id)
    return refused or json({"events": request.app.ctx.store.take_events(kiosk_id)})


@api.post("/<kiosk_id>/status")
async def status(request: Request, kiosk_id: str) -> HTTPResponse:
    refused, body = _checked(request, kiosk_id, StatusBody)
    if refused or body is None:
        return refused
    fields: Dict[str, Any] = body.model_dump(exclude_unset=True)
    request.app.ctx.store.seen(kiosk_id, **fields)
    return json({"ok": True})


@api.post("/<kiosk_id>/usage")
async def usage(request: Request, kiosk_id: str) -> HTTPResponse:
    refused, body = _checked(request, kiosk_id, UsageBody)
    if refused or body is None:
        return refused
    stored = request.app.ctx.store.record_usage(kiosk_id, [event.model_dump() for event in body.events])
    return json({"stored": stored})


@api.post("/<kiosk_id>/health")
async def health(request: Request, kiosk_id: str) -> HTTPResponse:
    refused, body = _checked(request, kiosk_id, HealthBody)
    if refused or body is None:
        return refused
    request.app.ctx.store.record_health(kiosk_id, body.model_dump())
    return json({"ok": True})
