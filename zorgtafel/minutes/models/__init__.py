"""The minutes domain's models: minutes in versions (:mod:`.minutes`), decisions and action
items (:mod:`.outcomes`)."""

from zorgtafel.minutes.models.minutes import (
    Minutes,
    MinutesParagraph,
    MinutesPart,
    MinutesStatus,
    MinutesVersion,
)
from zorgtafel.minutes.models.outcomes import (
    OUTCOME_CATEGORY,
    ActionChange,
    ActionItem,
    ActionStatus,
    Decision,
    OutcomeSave,
)

__all__ = [
    "OUTCOME_CATEGORY",
    "ActionChange",
    "ActionItem",
    "ActionStatus",
    "Decision",
    "Minutes",
    "MinutesParagraph",
    "MinutesPart",
    "MinutesStatus",
    "MinutesVersion",
    "OutcomeSave",
]
