"""What a reply answers: the complaint, its customer and channel, the time taken, the seat."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..vocab import ReplyAction
from .phrases import DEFAULT_BRAND


@dataclass(frozen=True)
class ReplyContext:
    """What the rep is answering: the complaint, its customer and channel, and the time taken.

    ``anger`` is 0..1; ``wait_min`` is how long the customer has waited for this reply and
    ``sla_min`` the channel's first-response target (both minutes; ``sla_min`` may be
    ``math.inf``). ``canned_texts`` are the organisation's macros: a near-identical copy of one
    scores badly in basics. ``remedy_offered`` is the compensation (currency) sent with the
    reply and ``remedy_limit`` the most the seat may offer (``math.inf``: no limit known).
    ``brand`` words never count as naming the customer's issue. ``customer_at_fault`` says the
    customer caused the problem (then acknowledgement without an apology earns full empathy);
    ``None`` means nobody said. ``language`` is the complaint's language code when known
    (otherwise it is detected from ``complaint_text``).
    """

    channel: str
    public: bool
    customer_name: str
    customer_handle: str
    topic: str
    complaint_text: str
    anger: float
    wait_min: float
    sla_min: float
    action: ReplyAction = ReplyAction.REPLY_PUBLIC
    canned_texts: tuple[str, ...] = ()
    remedy_offered: float = 0.0
    brand: str = DEFAULT_BRAND
    remedy_limit: float = math.inf
    customer_at_fault: bool | None = None
    language: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "action", ReplyAction(self.action))
        object.__setattr__(self, "canned_texts", tuple(self.canned_texts))
        if not (math.isfinite(self.anger) and 0.0 <= self.anger <= 1.0):
            raise ValueError(f"anger must be within 0..1, got {self.anger!r}")
        if not (math.isfinite(self.wait_min) and self.wait_min >= 0.0):
            raise ValueError(f"wait_min must be a finite number ≥ 0, got {self.wait_min!r}")
        if not (self.sla_min > 0.0):  # also rejects NaN
            raise ValueError(f"sla_min must be > 0 (math.inf for none), got {self.sla_min!r}")
        if not (math.isfinite(self.remedy_offered) and self.remedy_offered >= 0.0):
            raise ValueError(f"remedy_offered must be ≥ 0, got {self.remedy_offered!r}")
        if not (self.remedy_limit >= 0.0):
            raise ValueError(
                f"remedy_limit must be ≥ 0 (math.inf for none), got {self.remedy_limit!r}"
            )
