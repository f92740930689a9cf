"""Writes to minutes: a new draft version, and vaststellen. Each writes its audit event.

The text arrives pseudonymised (see ``minutes.pseudonymising``); it is sealed here under the
case's data key, one field per paragraph. Reading goes through ``zorgtafel.privacy.gate``.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from zorgtafel.audit.operations import Actor, record
from zorgtafel.audit.vocabulary import AuditAction, Change, Level, ObjectType, Purpose
from zorgtafel.auth.models import User
from zorgtafel.convenant.document import Convenant
from zorgtafel.core.clock import AMSTERDAM, utcnow
from zorgtafel.core.db import begin_write, db
from zorgtafel.meetings.models import AgendaItem, Meeting
from zorgtafel.minutes.models import (
    Minutes,
    MinutesParagraph,
    MinutesPart,
    MinutesStatus,
    MinutesVersion,
)
from zorgtafel.privacy import vault

#: at most this many paragraphs per version, each at most this long
MAX_PARAGRAPHS, MAX_PARAGRAPH_LENGTH = 60, 5000


class MinutesError(ValueError):
    """A write the minutes' rules do not allow; nothing changed."""


class StaleMinutes(MinutesError):
    """The save was based on an older version than the newest (another editor saved)."""

    def __init__(self, newest: int) -> None:
        super().__init__(_l("Iemand anders heeft de notulen intussen opgeslagen."))
        self.newest = newest


class MinutesFinal(MinutesError):
    """The minutes are vastgesteld: they are never edited again."""

    def __init__(self) -> None:
        super().__init__(_l("De notulen zijn vastgesteld en kunnen niet meer worden gewijzigd."))


@dataclass(frozen=True, repr=False)
class Paragraph:
    """One paragraph as it will be stored: its part, its category and its pseudonymised text."""

    part: MinutesPart
    category_code: str
    text: str

    def __repr__(self) -> str:
        return f"<Paragraph {self.part} {self.category_code}>"


def content_hash(paragraphs: Sequence[Paragraph]) -> str:
    """SHA-256 (hex) of the canonical JSON of the paragraphs in order: part, category, text.

    Anyone holding the minutes' text can recompute it; the audit chain holds only the hash.
    """
    canonical = json.dumps(
        ["zorgtafel-minutes/1", *([p.part.value, p.category_code, p.text] for p in paragraphs)],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def minutes_of(item: AgendaItem) -> Minutes | None:
    return db.session.scalar(select(Minutes).where(Minutes.agenda_item_id == item.id))


def save_draft(
    user: User,
    item: AgendaItem,
    paragraphs: Sequence[Paragraph],
    *,
    based_on: int,
    convenant: Convenant,
) -> MinutesVersion:
    """A new version of the item's draft minutes, sealed paragraph by paragraph (logged).

    ``based_on``: the version the editor started from. StaleMinutes when another save came in
    between; MinutesFinal once vastgesteld; MinutesError for an empty or unknown-category text.
    """
    begin_write(db.session)
    _check(paragraphs, convenant)
    paragraphs = _ordered(paragraphs)
    minutes = minutes_of(item)
    if minutes is None:
        if based_on != 0:
            raise StaleMinutes(0)
        minutes = Minutes(agenda_item_id=item.id, version=0)
        db.session.add(minutes)
        db.session.flush()
    if minutes.is_final:
        raise MinutesFinal()
    # one conditional update: of two saves based on the same version, exactly one wins
    bumped = db.session.execute(
        update(Minutes)
        .where(Minutes.id == minutes.id, Minutes.version == based_on)
        .values(version=based_on + 1)
        .execution_options(synchronize_session=False)
    )
    if bumped.rowcount != 1:  # type: ignore[attr-defined]
        db.session.refresh(minutes)
        raise StaleMinutes(minutes.version)
    db.session.refresh(minutes)
    version = MinutesVersion(
        minutes_id=minutes.id,
        number=based_on + 1,
        saved_by_user_id=user.id,
        content_hash=content_hash(paragraphs),
    )
    db.session.add(version)
    db.session.flush()
    _seal_paragraphs(item, version, paragraphs)
    db.session.flush()
    db.session.expire(minutes, ["versions"])
    _record(user, item, convenant, paragraphs, Change.minutes_saved)
    return version


def finalise(user: User, item: AgendaItem, *, based_on: int, convenant: Convenant) -> Minutes:
    """Vaststellen: the newest version becomes final and immutable; the hash of its content
    goes into the audit chain (the event holds the case code and the hash, never content)."""
    begin_write(db.session)
    minutes = minutes_of(item)
    if minutes is None or minutes.latest is None:
        raise MinutesError(_l("Er zijn nog geen notulen om vast te stellen."))
    if minutes.is_final:
        raise MinutesFinal()
    if minutes.version != based_on:
        raise StaleMinutes(minutes.version)
    latest = minutes.latest
    minutes.status = MinutesStatus.final
    minutes.finalised_at, minutes.finalised_by_user_id = utcnow(), user.id
    minutes.content_hash = latest.content_hash
    db.session.flush()
    record(
        AuditAction.update,
        actor=Actor.of(user),
        object_type=ObjectType.minutes,
        object_id=hash_id(item.case.code, latest.content_hash),
        level=Level.content,
        categories={p.category_code for p in latest.paragraphs},
        convenant=convenant,
        purpose=Purpose.case_conference,
        reason=Change.minutes_finalised,
    )
    return minutes


def add_addendum(
    user: User, item: AgendaItem, paragraphs: Sequence[Paragraph], *, convenant: Convenant
) -> MinutesVersion:
    """A rectificatie to vastgestelde minutes: paragraphs of their own, sealed, with their own
    hash in the audit chain; the vastgestelde text is never changed."""
    begin_write(db.session)
    _check(paragraphs, convenant)
    paragraphs = _ordered(paragraphs)
    minutes = minutes_of(item)
    if minutes is None or not minutes.is_final:
        raise MinutesError(_l("Een rectificatie kan alleen bij vastgestelde notulen."))
    number = max(v.number for v in minutes.versions) + 1
    addendum = MinutesVersion(
        minutes_id=minutes.id,
        number=number,
        saved_by_user_id=user.id,
        content_hash=content_hash(paragraphs),
        is_addendum=True,
    )
    db.session.add(addendum)
    db.session.flush()
    _seal_paragraphs(item, addendum, paragraphs)
    db.session.expire(minutes, ["versions"])
    record(
        AuditAction.create,
        actor=Actor.of(user),
        object_type=ObjectType.minutes,
        object_id=hash_id(item.case.code, addendum.content_hash),
        level=Level.content,
        categories={p.category_code for p in paragraphs},
        convenant=convenant,
        purpose=Purpose.case_conference,
        reason=Change.minutes_rectified,
    )
    return addendum


def record_excerpt_export(user: User, meeting: Meeting, convenant: Convenant) -> None:
    """The excerpt left the system as a file (besides the per-item export events)."""
    record(
        AuditAction.export,
        actor=Actor.of(user),
        object_type=ObjectType.meeting,
        object_id=f"meeting-{meeting.id}",
        convenant=convenant,
        purpose=Purpose.case_conference,
        reason=Change.minutes_excerpt_pdf,
    )


def closing_blockers(meeting: Meeting) -> list[object]:
    """Why the meeting cannot be closed yet: an item without minutes, or an open action of an
    item's case, agreed at an earlier meeting, that was not reviewed at this item (the words,
    translated when shown)."""
    from zorgtafel.minutes.models import ActionChange, ActionItem, ActionStatus

    item_ids = [item.id for item in meeting.items]
    minuted = set(
        db.session.scalars(
            select(Minutes.agenda_item_id).where(
                Minutes.agenda_item_id.in_(item_ids), Minutes.version > 0
            )
        )
    )
    blockers: list[object] = [
        _l("Punt %(position)s heeft nog geen notulen.", position=item.position)
        for item in meeting.items
        if item.id not in minuted
    ]
    for item in meeting.items:
        reviewed = select(ActionChange.id).where(
            ActionChange.action_id == ActionItem.id, ActionChange.review_item_id == item.id
        )
        unreviewed = db.session.scalar(
            select(func.count(ActionItem.id))
            .join(AgendaItem, AgendaItem.id == ActionItem.agenda_item_id)
            .join(Meeting, Meeting.id == AgendaItem.meeting_id)
            .where(
                ActionItem.case_id == item.case_id,
                ActionItem.status == ActionStatus.open,
                Meeting.starts_at < meeting.starts_at,
                ~reviewed.exists(),
            )
        )
        if unreviewed:
            blockers.append(
                _l(
                    "Punt %(position)s: een open actiepunt is nog niet besproken.",
                    position=item.position,
                )
            )
    return blockers


def working_days_between(start: date, end: date) -> int:
    """Monday to Friday from the day after ``start`` up to and including ``end`` (public
    holidays are not known here and count as working days)."""
    days, day = 0, start
    while day < end:
        day += timedelta(days=1)
        days += day.weekday() < 5
    return days


def finalised_after(meetings: Sequence[Meeting]) -> dict[int, int | None]:
    """Per meeting: how many working days after it its minutes were vastgesteld (the last
    item's); None while an item has no vastgestelde minutes. Two queries for any number."""
    ids = [meeting.id for meeting in meetings]
    items = dict(
        db.session.execute(
            select(AgendaItem.meeting_id, func.count(AgendaItem.id))
            .where(AgendaItem.meeting_id.in_(ids))
            .group_by(AgendaItem.meeting_id)
        ).all()
    )
    final = {
        row.meeting_id: (row.final, row.last)
        for row in db.session.execute(
            select(
                AgendaItem.meeting_id,
                func.count(Minutes.id).label("final"),
                func.max(Minutes.finalised_at).label("last"),
            )
            .join(Minutes, Minutes.agenda_item_id == AgendaItem.id)
            .where(AgendaItem.meeting_id.in_(ids), Minutes.status == MinutesStatus.final)
            .group_by(AgendaItem.meeting_id)
        )
    }
    found: dict[int, int | None] = {}
    for meeting in meetings:
        count, last = final.get(meeting.id, (0, None))
        if not items.get(meeting.id) or count < items[meeting.id] or last is None:
            found[meeting.id] = None
            continue
        day = meeting.starts_at.astimezone(AMSTERDAM).date()
        found[meeting.id] = working_days_between(day, _aware(last).astimezone(AMSTERDAM).date())
    return found


def _aware(moment: datetime) -> datetime:
    """SQLite's ``max()`` hands back the stored text's datetime without its zone (UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def hash_id(case_code: str, hex_hash: str) -> str:
    """The audit object id of vastgestelde minutes: the case code and the content's SHA-256
    in unpadded base64url (43 characters), so both fit the log's pseudonymous-id column."""
    digest = base64.urlsafe_b64encode(bytes.fromhex(hex_hash)).rstrip(b"=").decode()
    return f"{case_code}:{digest}"


def _seal_paragraphs(
    item: AgendaItem, version: MinutesVersion, paragraphs: Sequence[Paragraph]
) -> None:
    key = _data_key(item)
    for position, paragraph in enumerate(paragraphs, start=1):
        row = MinutesParagraph(
            version_id=version.id,
            position=position,
            part=paragraph.part,
            category_code=paragraph.category_code,
        )
        db.session.add(row)
        db.session.flush()
        row.text = vault.seal(
            key, paragraph.text, table="minutes_paragraphs", row_id=row.id, column="text"
        )
    db.session.flush()


def _check(paragraphs: Sequence[Paragraph], convenant: Convenant) -> None:
    if not paragraphs:
        raise MinutesError(_l("Schrijf ten minste één alinea."))
    if len(paragraphs) > MAX_PARAGRAPHS:
        raise MinutesError(_l("Te veel alinea's."))
    known = {category.code for category in convenant.categories}
    for paragraph in paragraphs:
        MinutesPart(paragraph.part)
        if paragraph.category_code not in known:
            raise MinutesError(_l("Onbekende categorie."))
        if not paragraph.text.strip() or len(paragraph.text) > MAX_PARAGRAPH_LENGTH:
            raise MinutesError(_l("Een alinea is leeg of te lang."))


def _ordered(paragraphs: Sequence[Paragraph]) -> list[Paragraph]:
    """Parts in their order (discussion, assessment, conclusion), paragraphs as written."""
    order = {part: index for index, part in enumerate(MinutesPart)}
    return sorted(paragraphs, key=lambda p: order[p.part])


def _record(
    user: User,
    item: AgendaItem,
    convenant: Convenant,
    paragraphs: Sequence[Paragraph],
    change: Change,
) -> None:
    record(
        AuditAction.update,
        actor=Actor.of(user),
        object_type=ObjectType.case,
        object_id=item.case.code,
        level=Level.content,
        categories={p.category_code for p in paragraphs},
        convenant=convenant,
        purpose=Purpose.case_conference,
        reason=change,
    )


def _data_key(item: AgendaItem) -> vault.DataKey:
    case_key = vault.case_key_for(db.session, item.case_id)
    if case_key is None or case_key.destroyed:
        raise vault.KeyDestroyed("casus heeft geen datasleutel")
    return vault.data_key(case_key)
