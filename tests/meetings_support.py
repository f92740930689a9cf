"""Factories for meetings, through the real operations (importable from every test directory).

All data here is fictitious.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask import Flask

from tests.conftest import Factories, in_app
from zorgtafel.auth.models import Role, User
from zorgtafel.cases.models import Case
from zorgtafel.convenant.operations import AMSTERDAM, today
from zorgtafel.core.db import utcnow
from zorgtafel.meetings import operations
from zorgtafel.meetings.models import AgendaItem, Meeting


def today_at(hour: int = 12) -> datetime:
    """``hour`` o'clock today, Dutch time: a meeting 'today' whatever the test's clock says."""
    return datetime.combine(today(), time(hour), tzinfo=AMSTERDAM)


@dataclass(frozen=True)
class MeetingRecord:
    id: int
    item_ids: tuple[int, ...]
    chair_id: int


class MeetingFactory:
    """``create(cases_and_seats, ...)``: a meeting with items, published unless told otherwise."""

    def __init__(self, app: Flask, factories: Factories) -> None:
        self.app = app
        self.factories = factories
        self._chair: int | None = None

    def chair(self) -> int:
        if self._chair is None:
            self._chair = self.factories.user(Role.chair, "gemeente").id
        return self._chair

    def create(
        self,
        items: Sequence[tuple[int, Iterable[str]]] = (),
        *,
        starts_at: datetime | None = None,
        deadline: datetime | None = None,
        publish: bool = True,
        chair_id: int | None = None,
    ) -> MeetingRecord:
        """``items``: (case id, partner codes at the table) per agenda item, in order."""
        self.factories.example_convenant()
        chair_id = chair_id or self.chair()
        with in_app(self.app) as session:
            chair = session.get(User, chair_id)
            meeting = operations.create_meeting(
                chair, starts_at or today_at(), "Vergaderzaal 2 (fictief)", deadline
            )
            for case_id, partners in items:
                item = operations.add_item(chair, meeting, session.get(Case, case_id))
                operations.update_item(
                    chair, item, minutes=10, kind=item.kind, partner_codes=partners
                )
            if publish:
                operations.publish(chair, meeting)
            return MeetingRecord(meeting.id, tuple(i.id for i in meeting.items), chair_id)

    def step(self, meeting: MeetingRecord, action: operations.Step) -> None:
        with in_app(self.app) as session:
            operations.step(
                session.get(User, meeting.chair_id), session.get(Meeting, meeting.id), action
            )

    def pledge(self, meeting: MeetingRecord, user_id: int) -> None:
        with in_app(self.app) as session:
            operations.confirm_pledge(session.get(User, user_id), session.get(Meeting, meeting.id))


def future(days: float) -> datetime:
    return utcnow() + timedelta(days=days)


def item_of(app: Flask, item_id: int) -> AgendaItem:
    with in_app(app) as session:
        return session.get(AgendaItem, item_id)
