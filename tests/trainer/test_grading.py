"""The grading rule (trainer_web.grading): what was missed counts, not only the replies sent."""

from __future__ import annotations

import pytest

from trainer_web.grading import (
    GRACE_MIN,
    LATE_CREDIT,
    PASS_MARK,
    Grade,
    SeatComplaint,
    grade,
    summarise,
)
from trainer_web.models import Action

END = 40.0


def seat(n: int, *, waiting: bool = False, at: float = 5.0) -> list[SeatComplaint]:
    return [SeatComplaint(id=i, created_min=at + i, waiting_at_end=waiting) for i in range(n)]


def reply(cid: int, score: float = 85.0, *, wait: float = 3.0, sla: float = 60.0, auto_fail=None):
    return Action(
        complaint_id=cid,
        score=score,
        first_response=True,
        wait_min=wait,
        sla_min=sla,
        criteria={"auto_fail": auto_fail, "criteria": []},
    )


def test_no_reply_fails_and_is_flagged():
    g = grade(seat(11), [], END)
    assert g.score == 0 and g.passed is False
    assert g.missed == 11 and g.coverage == 0
    assert g.coaching and "sent no reply" in g.coaching[0]


def test_one_good_reply_out_of_eleven_fails_and_is_flagged_for_coverage():
    g = grade(seat(11), [reply(0, 95.0)], END)
    assert g.mean_reply == 95.0
    assert g.score == pytest.approx(95.0 / 11, abs=0.05)
    assert g.passed is False
    assert any("low coverage: answered 1 of 11" in r for r in g.coaching)


def test_good_coverage_and_good_replies_pass():
    replies = [reply(i, 88.0) for i in range(10)]  # ten of eleven, all on time
    g = grade(seat(11), replies, END)
    assert g.score == pytest.approx(88.0 * 10 / 11, abs=0.05)
    assert g.passed is True and g.coaching == []


def test_within_sla_is_a_share_of_every_complaint_in_the_seat():
    replies = [reply(0), reply(1, wait=70.0)]  # one on time, one late, eight never answered
    g = grade(seat(10), replies, END)
    assert g.on_time == 1 and g.within_sla == pytest.approx(0.1)
    assert g.coverage == pytest.approx(0.2)


def test_a_late_first_answer_earns_half_its_score():
    on_time = grade(seat(1), [reply(0, 80.0, wait=10.0, sla=60.0)], END)
    late = grade(seat(1), [reply(0, 80.0, wait=61.0, sla=60.0)], END)
    assert on_time.score == 80.0
    assert late.score == pytest.approx(80.0 * LATE_CREDIT)


def test_an_auto_failed_reply_fails_an_otherwise_good_exercise():
    replies = [reply(i, 95.0) for i in range(5)] + [reply(5, 0.0, auto_fail="asked for a password")]
    g = grade(seat(6), replies, END)
    assert g.score > PASS_MARK and g.passed is False
    assert "auto-failed 1 reply" in g.coaching


def test_complaints_arriving_at_the_very_end_and_still_waiting_are_not_counted():
    early = seat(4)
    last_minute = [SeatComplaint(id=99, created_min=END - GRACE_MIN / 2, waiting_at_end=True)]
    g = grade(early + last_minute, [reply(i) for i in range(4)], END)
    assert g.seat == 5 and g.counted == 4 and g.passed is True
    # …but a customer who gave up in those minutes was still missed
    gave_up = [SeatComplaint(id=99, created_min=END - GRACE_MIN / 2, waiting_at_end=False)]
    assert grade(early + gave_up, [reply(i) for i in range(4)], END).counted == 5


def test_several_replies_to_one_complaint_count_at_their_mean():
    g = grade(seat(1), [reply(0, 60.0), reply(0, 90.0)], END)
    assert g.score == 75.0 and g.answered == 1 and g.replies == 2


def test_nothing_in_the_seat_is_not_graded():
    g = grade([], [], END)
    assert g.score is None and g.passed is None and g.coverage is None


def test_a_grade_survives_its_stored_form():
    g = grade(seat(3), [reply(0)], END)
    assert Grade.from_dict(g.as_dict()) == g


def test_pooled_grades_pass_only_when_every_exercise_passed():
    good = grade(seat(2), [reply(0), reply(1)], END)
    bad = grade(seat(2), [], END)
    pooled = summarise([good, bad])
    assert pooled["passed"] is False and pooled["coverage"] == 0.5
    assert pooled["score"] == pytest.approx((good.score + bad.score) / 2)
