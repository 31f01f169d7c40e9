"""Moving and cancelling a booked appointment over real HTTP: the slot counts follow, a move
to where it is changes nothing, a full slot or a cancelled appointment is refused, and only
the resident's own appointment can be touched."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from portal.errors import PortalNotFound, PortalRefused
from tests.portal.contract import check


def weekdays(count: int):
    day, out = date.today(), []
    while len(out) < count:
        day += timedelta(days=1)
        if day.weekday() < 5:
            out.append(day)
    return out


def remaining(client, hall: str, day: date, start: str) -> int:
    return next(s.remaining for s in client.slots(hall, day) if s.start == start)


def test_moving_frees_the_old_slot_and_takes_the_new(client, raw):
    number, *_ = raw.fresh_resident()
    token = raw.token(number)
    first, second = weekdays(3)[1:3]
    booked = client.book_appointment(token, "H05", first, "09:30", "户籍业务", uuid.uuid4().hex)
    before_old, before_new = remaining(client, "H05", first, "09:30"), remaining(client, "H05", second, "14:30")
    moved = client.move_appointment(token, booked.appointment_id, second, "14:30")
    assert (moved.appointment_id, moved.date, moved.start, moved.end) == (booked.appointment_id, second, "14:30",
                                                                          "15:00")
    assert moved.service == "户籍业务" and moved.hall_id == "H05"
    assert remaining(client, "H05", first, "09:30") == before_old + 1
    assert remaining(client, "H05", second, "14:30") == before_new - 1
    again = client.move_appointment(token, booked.appointment_id, second, "14:30")  # a retry changes nothing
    assert again == moved and remaining(client, "H05", second, "14:30") == before_new - 1
    assert [a.start for a in client.appointments(token) if a.appointment_id == booked.appointment_id] == ["14:30"]
    check("/v1/appointments/{appointment_id}/move", "post", raw.post(
        f"/v1/appointments/{booked.appointment_id}/move", headers={"X-Resident-Token": token},
        json={"date": second.isoformat(), "start": "14:30"}))


def test_a_move_into_a_full_slot_is_refused_and_changes_nothing(client, raw):
    number, *_ = raw.fresh_resident()
    token = raw.token(number)
    day = weekdays(6)[5]
    for _ in range(4):
        client.book_appointment(raw.token(raw.fresh_resident()[0]), "H06", day, "11:00", "社保业务", uuid.uuid4().hex)
    mine = client.book_appointment(token, "H06", day, "10:30", "社保业务", uuid.uuid4().hex)
    with pytest.raises(PortalRefused) as full:
        client.move_appointment(token, mine.appointment_id, day, "11:00")
    assert full.value.code == "slot_full"
    assert [a.start for a in client.appointments(token)] == ["10:30"]


def test_only_a_booked_appointment_of_ones_own(client, raw):
    number, *_ = raw.fresh_resident()
    token, other = raw.token(number), raw.token(raw.fresh_resident()[0])
    day = weekdays(2)[1]
    booked = client.book_appointment(token, "H07", day, "15:30", "医保业务", uuid.uuid4().hex)
    with pytest.raises(PortalNotFound):
        client.move_appointment(other, booked.appointment_id, day, "16:00")
    with pytest.raises(PortalNotFound):
        client.cancel_appointment(other, booked.appointment_id)
    client.cancel_appointment(token, booked.appointment_id)
    with pytest.raises(PortalRefused) as cancelled:
        client.move_appointment(token, booked.appointment_id, day, "16:00")
    assert cancelled.value.code == "appointment_cancelled"
    assert client.appointments(token) == []
