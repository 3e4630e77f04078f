"""``stormdesk score FILE``: QA of transcripts, through the real command line."""

from __future__ import annotations

import json

import pandas as pd
from click.testing import CliRunner

from sim.cli import main

ROWS = [
    {
        "id": "good",
        "complaint": "@Parcelly four days and my daughter's birthday present is stuck in Leeds",
        "reply": "Priya, four days on a birthday present is rotten timing. I've just phoned the "
        "Leeds depot: it goes out on tomorrow's first van and you'll get a text with the slot.",
        "channel": "twitter",
        "public": True,
        "customer_name": "Priya Shah",
        "topic": "delivery",
    },
    {
        "id": "salad",
        "complaint": "@Parcelly where is my parcel",
        "reply": "Priya delivery sorry I understand frustrating I will check today DM sorry I "
        "will refund today apologise delivery I will personally today",
        "channel": "twitter",
        "public": "true",
    },
]


def write_jsonl(path, rows):
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_json_output_is_in_input_order_with_the_promised_keys(tmp_path):
    f = write_jsonl(tmp_path / "t.jsonl", ROWS)
    res = CliRunner().invoke(main, ["score", str(f), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert [r["id"] for r in out] == ["good", "salad"]
    assert out[0]["passed"] and not out[1]["passed"] and out[1]["gate"] == "stuffing"
    for r in out:
        assert {"score", "passed", "gate", "criteria", "better_reply"} <= set(r)
        assert set(r["criteria"]["resolution"]) == {"points", "of", "feedback"}


def test_csv_in_and_parquet_out(tmp_path):
    f = tmp_path / "t.csv"
    pd.DataFrame(ROWS).to_csv(f, index=False)
    out = tmp_path / "scores.parquet"
    res = CliRunner().invoke(main, ["score", str(f), "--out", str(out)])
    assert res.exit_code == 0, res.output
    frame = pd.read_parquet(out)
    assert list(frame["id"]) == ["good", "salad"] and "resolution_points" in frame


def test_a_bad_row_names_its_row_and_field_and_writes_nothing(tmp_path):
    f = tmp_path / "t.csv"
    bad = [*ROWS, {**ROWS[0], "public": "maybe"}]
    pd.DataFrame(bad).to_csv(f, index=False)
    out = tmp_path / "scores.csv"
    res = CliRunner().invoke(main, ["score", str(f), "--out", str(out)])
    assert res.exit_code == 2
    assert "t.csv row 4" in res.output and "'public'" in res.output  # header is row 1
    assert not out.exists()


def test_missing_reply_and_unknown_action_are_bad_rows(tmp_path):
    for row, field in [
        ({**ROWS[0], "reply": ""}, "reply"),
        ({**ROWS[0], "action": "shrug"}, "action"),
        ({**ROWS[0], "anger": 3}, "anger"),
    ]:
        f = write_jsonl(tmp_path / "t.jsonl", [row])
        res = CliRunner().invoke(main, ["score", str(f)])
        assert res.exit_code == 2 and f"'{field}'" in res.output, res.output


def test_unsupported_language_is_reported_not_scored(tmp_path):
    row = {
        "complaint": "Mein Paket ist seit einer Woche nicht angekommen.",
        "reply": "Hallo Jonas, das tut mir leid. Ich habe mit dem Depot gesprochen, das Paket "
        "kommt morgen.",
        "channel": "email",
        "public": False,
    }
    f = write_jsonl(tmp_path / "t.jsonl", [row])
    res = CliRunner().invoke(main, ["score", str(f), "--json"])
    assert res.exit_code == 0
    [r] = json.loads(res.output)
    assert r["score"] is None and r["gate"] == "unsupported_language"


def test_calibrated_applies_the_learned_layer_and_keeps_the_gates(tmp_path):
    from sim.scoring import ReplyContext, score_reply

    f = write_jsonl(tmp_path / "t.jsonl", ROWS)
    runs = {}
    for flag in ("--calibrated", "--rules-only", None):
        res = CliRunner().invoke(main, ["score", str(f), "--json", *([flag] if flag else [])])
        assert res.exit_code == 0, res.output
        runs[flag] = json.loads(res.output)
    assert runs[None] == runs["--calibrated"]  # the learned layer is the default
    good = ReplyContext(channel="twitter", public=True, customer_name="Priya Shah",
                        customer_handle="", topic="delivery", complaint_text=ROWS[0]["complaint"],
                        anger=0.5, wait_min=0.0, sla_min=float("inf"))  # fmt: skip
    for flag, calibrated in (("--calibrated", True), ("--rules-only", False)):
        expected = score_reply(ROWS[0]["reply"], good, calibrated=calibrated)
        assert runs[flag][0]["score"] == expected.total
        assert runs[flag][1]["gate"] == "stuffing" and not runs[flag][1]["passed"]
    assert runs["--calibrated"][0]["criteria"] != runs["--rules-only"][0]["criteria"]
