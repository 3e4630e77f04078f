"""``stormdesk score FILE``: QA of practice or real transcripts with the reply scorer.

Reads JSONL or CSV, one reply a row (``complaint``, ``reply``, ``channel``, ``public`` and the
optional context fields below), checks every row before scoring any, and prints a table, a JSON
list in input order (``--json``) or writes CSV/Parquet (``--out``). A bad row is one line naming
its row and field, exit 2, nothing written. ``sim.cli`` adds :data:`COMMANDS` to the group.
"""

from __future__ import annotations

import csv
import io
import json
import math
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from .common import EXIT_BAD_INPUT
from .common import notes as err

REQUIRED = ("complaint", "reply", "channel", "public")
OPTIONAL = (
    "customer_name", "customer_handle", "topic", "anger", "brand", "wait_min", "sla_min",
    "action", "remedy", "remedy_limit", "customer_at_fault", "id",
)  # fmt: skip
_TRUE = {"true", "1", "yes", "y", "public"}
_FALSE = {"false", "0", "no", "n", "private"}


class RowError(ValueError):
    """One bad row: says which row and which field."""


def _rows(path: Path) -> list[dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise RowError(f"{path}: cannot read: {e}") from None
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        rows = []
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                raise RowError(f"{path}: line {n}: not JSON ({e.msg})") from None
            if not isinstance(row, dict):
                raise RowError(f"{path}: line {n}: a row must be a JSON object")
            rows.append((f"{path.name} line {n}", row))
        return rows
    if path.suffix.lower() in (".csv", ".tsv"):
        reader = csv.DictReader(io.StringIO(text), delimiter="\t" if path.suffix == ".tsv" else ",")
        # row numbers as a spreadsheet shows them: the header is row 1
        return [(f"{path.name} row {i}", dict(r)) for i, r in enumerate(reader, start=2)]
    raise RowError(f"{path}: unknown format {path.suffix or '(none)'}: use .jsonl or .csv")


def _bool(where: str, field: str, value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    v = str(value).strip().casefold()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise RowError(f"{where}: field {field!r}: {value!r} is not true/false")


def _num(where: str, field: str, value: Any, *, lo: float = 0.0, hi: float = math.inf) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise RowError(f"{where}: field {field!r}: {value!r} is not a number") from None
    if not (lo <= x <= hi) or math.isnan(x):
        rng = f"{lo:g}..{hi:g}" if math.isfinite(hi) else f"≥ {lo:g}"
        raise RowError(f"{where}: field {field!r}: {value!r} is out of range ({rng})")
    return x


def _context(where: str, row: dict[str, Any]):
    from ..scoring import ReplyAction, ReplyContext

    def present(k: str) -> bool:
        return k in row and row[k] is not None and str(row[k]).strip() != ""

    unknown = sorted(k for k in row if k not in REQUIRED + OPTIONAL)
    if unknown:
        raise RowError(
            f"{where}: unknown field {unknown[0]!r} (known: {', '.join(REQUIRED + OPTIONAL)})"
        )
    for k in REQUIRED:
        if not present(k):
            raise RowError(f"{where}: field {k!r} is missing or empty")
    for k in ("complaint", "reply", "channel"):
        if not isinstance(row[k], str):
            raise RowError(f"{where}: field {k!r} must be text")
    action = str(row["action"]).strip() if present("action") else "reply_public"
    try:
        ReplyAction(action)
    except ValueError:
        known = ", ".join(a.value for a in ReplyAction)
        raise RowError(f"{where}: field 'action': {action!r} is not one of {known}") from None
    return ReplyContext(
        channel=row["channel"].strip(),
        public=_bool(where, "public", row["public"]),
        customer_name=str(row.get("customer_name") or ""),
        customer_handle=str(row.get("customer_handle") or ""),
        topic=str(row.get("topic") or "").strip() or "general",
        complaint_text=row["complaint"],
        anger=_num(where, "anger", row["anger"], hi=1.0) if present("anger") else 0.5,
        wait_min=_num(where, "wait_min", row["wait_min"]) if present("wait_min") else 0.0,
        sla_min=_num(where, "sla_min", row["sla_min"], lo=1e-9) if present("sla_min") else math.inf,
        action=action,
        remedy_offered=_num(where, "remedy", row["remedy"]) if present("remedy") else 0.0,
        brand=str(row.get("brand") or ""),
        remedy_limit=_num(where, "remedy_limit", row["remedy_limit"])
        if present("remedy_limit")
        else math.inf,
        customer_at_fault=_bool(where, "customer_at_fault", row["customer_at_fault"])
        if present("customer_at_fault")
        else None,
    )


def score_rows(path: Path, *, calibrated: bool | None = None) -> list[dict[str, Any]]:
    """Every row of ``path`` scored, in input order (:class:`RowError` on the first bad row).
    ``calibrated`` applies the learned layer (None: the scorer's default)."""
    from ..scoring import CALIBRATED_BY_DEFAULT, UnsupportedLanguage, score_reply

    if calibrated is None:
        calibrated = CALIBRATED_BY_DEFAULT

    prepared = [(where, row, _context(where, row)) for where, row in _rows(path)]
    if not prepared:
        raise RowError(f"{path}: no rows to score")
    out = []
    for where, row, ctx in prepared:
        try:
            result = score_reply(row["reply"], ctx, calibrated=calibrated)
        except UnsupportedLanguage as e:
            out.append({"row": where, "id": row.get("id"), "score": None, "passed": None,
                        "gate": "unsupported_language", "gate_reason": str(e), "criteria": {},
                        "better_reply": None})  # fmt: skip
            continue
        except ValueError as e:
            raise RowError(f"{where}: field 'reply': {e}") from None
        out.append(
            {
                "row": where,
                "id": row.get("id"),
                "score": result.total,
                "passed": result.passed,
                "gate": result.gate.key if result.gate else None,
                "gate_reason": result.gate.reason if result.gate else None,
                "criteria": {
                    c.key: {"points": c.points, "of": round(c.weight, 2), "feedback": c.feedback}
                    for c in result.criteria
                },
                "better_reply": result.better_reply,
            }
        )
    return out


def _flat(r: dict[str, Any]) -> dict[str, Any]:
    flat = {k: r[k] for k in ("row", "id", "score", "passed", "gate", "gate_reason")}
    for key, c in r["criteria"].items():
        flat[f"{key}_points"] = c["points"]
        flat[f"{key}_feedback"] = c["feedback"]
    flat["better_reply"] = r["better_reply"]
    return flat


@click.command("score")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list, one object per row.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the scores to a .csv or .parquet file (one row per reply, feedback included).",
)
@click.option(
    "--calibrated/--rules-only",
    default=None,
    help="Apply the learned per-criterion layer fitted on team leads' marks (the default), or "
    "score by the rules alone (--rules-only, the scores before the layer was switched on).",
)
def score_cmd(file: Path, as_json: bool, out: Path | None, calibrated: bool | None) -> None:
    """Score customer-care replies in FILE (JSONL or CSV), one reply a row.

    Each row needs complaint, reply, channel and public (true/false); optional: customer_name,
    customer_handle, topic (delivery, billing, refund, outage, account_access, product_quality,
    product_safety, service), anger (0-1), brand, wait_min, sla_min, action (reply_public,
    move_to_dm, escalate, offer_remedy), remedy, remedy_limit, customer_at_fault, id.

    Prints a table (pass mark 70); --json prints
    {"score", "passed", "gate", "criteria": {name: {"points", "of", "feedback"}}, "better_reply"}
    per row in input order. A bad row gives one line naming the row and field, exit 2, and
    nothing is written.
    """
    if out is not None and out.suffix.lower() not in (".csv", ".parquet"):
        err.print(f"--out {out}: use a .csv or .parquet file", markup=False)
        sys.exit(EXIT_BAD_INPUT)
    try:
        results = score_rows(file, calibrated=calibrated)
    except RowError as e:
        err.print(str(e), markup=False)
        sys.exit(EXIT_BAD_INPUT)
    if out is not None:
        import pandas as pd

        frame = pd.DataFrame([_flat(r) for r in results])
        tmp = out.with_name(out.name + ".part")
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            if out.suffix.lower() == ".csv":
                frame.to_csv(tmp, index=False)
            else:
                frame.to_parquet(tmp, index=False)
            tmp.replace(out)
        except OSError as e:
            tmp.unlink(missing_ok=True)
            err.print(f"--out {out}: cannot write: {e}", markup=False)
            sys.exit(EXIT_BAD_INPUT)
    if as_json:
        click.echo(json.dumps([{k: v for k, v in r.items() if k != "row"} for r in results],
                              ensure_ascii=False, indent=1))  # fmt: skip
        return
    table = Table(title=f"{file.name}: {len(results)} replies, pass mark 70")
    table.add_column("row", no_wrap=True)
    table.add_column("score", justify="right")
    table.add_column("result")
    table.add_column("why", overflow="fold")
    for r in results:
        if r["score"] is None:
            table.add_row(r["row"], "–", "not scored", r["gate_reason"])
            continue
        weakest = min(r["criteria"].items(), key=lambda kv: kv[1]["points"] / (kv[1]["of"] or 1))
        why = r["gate_reason"] or weakest[1]["feedback"]
        table.add_row(r["row"], f"{r['score']:g}", "pass" if r["passed"] else "FAIL", why)
    Console().print(table)
    scored = [r for r in results if r["score"] is not None]
    if scored:
        passed = sum(1 for r in scored if r["passed"])
        mean = sum(r["score"] for r in scored) / len(scored)
        click.echo(f"{passed} of {len(scored)} pass; mean score {mean:.1f}.")


COMMANDS = (score_cmd,)
