"""Pure queue (Erlang A, M/M/c+M): Stormdesk vs SimPy vs ciw on the same arrivals, and how the
cost per complaint scales.

Stormdesk draws the arrival times, handle times and patience of the complaints; the peers are
fed exactly those numbers (SimPy per customer; ciw through ``Sequential`` distributions, which
hand out service times in service order — same values, same distribution). A bare ``heapq``
loop with no bookkeeping is the floor. Every engine is timed in CPU seconds (the machines are
shared), including its set-up and result collection (Stormdesk: ``results()``, the KPIs and
the complaints table), ``--repeat`` rounds interleaved so a busy spell hurts every engine
alike; each keeps its best round.

Scaling (``--scaling``): Stormdesk's CPU µs per complaint at 10k, 100k and 1M complaints, at
constant load (the M/M/10+M above, ρ = 0.9: the backlog stays bounded) and for a growing system
(ρ ≈ 1.3 and nobody gives up: the queue, and the pending events, grow with the run).

Run: ``python -m benchmarks.bench_queue [--complaints N ...] [--repeat R] [--scaling]``
"""

from __future__ import annotations

import argparse
import heapq
import time

import sim
from sim.model import StormModel

ARRIVALS_PER_HOUR = 540.0  # 9 per minute
AHT_MIN = 1.0
AGENTS = 10
PATIENCE_MEAN_MIN = 2.0  # ρ = 0.9 with abandonment: a busy Erlang A queue
CIW_UP_TO = 200_000  # ciw's records grow too slow past this to run in `make bench`


def scenario(complaints: int, *, agents: int = AGENTS, patience: bool = True):
    hours = complaints / ARRIVALS_PER_HOUR
    return sim.parse_scenario(
        {
            "scenario": {"name": "bench M/M/c+M", "duration_hours": hours, "seed": 1},
            "arrivals": {"base_per_hour": ARRIVALS_PER_HOUR, "profile": "flat"},
            "channels": {
                "phone": {
                    "public": False,
                    "share": 1.0,
                    "patience": (
                        {"dist": "exponential", "mean_min": PATIENCE_MEAN_MIN}
                        if patience
                        else "none"
                    ),
                    "handle_time": {"dist": "exponential", "mean_min": AHT_MIN},
                    "concurrency": 1,
                    "sla_min": 0.5,
                }
            },
            "behaviour": {"follow_ups": False, "escalations": False},
            "shifts": [{"name": "all_day", "reps": agents, "start": "00:00", "end": "24:00"}],
        }
    )


def run_stormdesk(sc) -> tuple[float, int, float]:
    t0 = time.process_time()
    model = StormModel(sc, 1)
    model.run()
    k = model.results().kpis["channels"]["phone"]
    return time.process_time() - t0, k["arrived"], k["abandon_rate"] or 0.0


def same_arrivals(sc):
    model = StormModel(sc, 1)
    return model.exo.time.copy(), model.feed.handle.copy(), model.feed.patience.copy()


def run_simpy(times, handle, patience) -> tuple[float, int, float]:
    import simpy

    t0 = time.process_time()
    env = simpy.Environment()
    reps = simpy.Resource(env, AGENTS)
    abandoned = [0]
    t_list, h_list, p_list = times.tolist(), handle.tolist(), patience.tolist()

    def customer(i):
        with reps.request() as req:
            got = yield req | env.timeout(p_list[i])
            if req in got:
                yield env.timeout(h_list[i])
            else:
                abandoned[0] += 1

    def source():
        last = 0.0
        for i, t in enumerate(t_list):
            yield env.timeout(t - last)
            last = t
            env.process(customer(i))

    env.process(source())
    env.run()
    return time.process_time() - t0, len(t_list), abandoned[0] / len(t_list)


def run_ciw(times, handle, patience) -> tuple[float, int, float]:
    import ciw
    import numpy as np

    t0 = time.process_time()
    inter = np.diff(np.concatenate([[0.0], times])).tolist()
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Sequential(inter)],
        service_distributions=[ciw.dists.Sequential(handle.tolist())],
        reneging_time_distributions=[ciw.dists.Sequential(patience.tolist())],
        number_of_servers=[AGENTS],
    )
    ciw.seed(1)
    q = ciw.Simulation(network)
    q.simulate_until_max_time(float(times[-1]) + 1e-9)
    recs = q.get_all_records()
    reneged = sum(1 for r in recs if r.record_type == "renege")
    n = len(times)
    return time.process_time() - t0, n, reneged / n


def run_heapq(times, handle, patience) -> tuple[float, int, float]:
    """The floor: an M/M/c+M event loop on plain tuples, no agents, no statistics but one."""
    t0 = time.process_time()
    t_list, h_list, p_list = times.tolist(), handle.tolist(), patience.tolist()
    free = AGENTS
    queue: list[int] = []  # FIFO of waiting customers (index), lazily skipping the gone
    head = 0
    gone = bytearray(len(t_list))
    events: list = [(t_list[0], 0, 0)]  # (time, kind 0 arrival / 1 done / 2 renege, customer)
    abandoned = 0
    push, pop = heapq.heappush, heapq.heappop
    while events:
        now, kind, i = pop(events)
        if kind == 0:
            if i + 1 < len(t_list):
                push(events, (t_list[i + 1], 0, i + 1))
            if free:
                free -= 1
                push(events, (now + h_list[i], 1, i))
            else:
                queue.append(i)
                push(events, (now + p_list[i], 2, i))
        elif kind == 1:
            while head < len(queue) and gone[queue[head]]:
                head += 1
            if head < len(queue):
                j = queue[head]
                head += 1
                gone[j] = 1
                push(events, (now + h_list[j], 1, -j - 1))
            else:
                free += 1
        elif not gone[i]:
            gone[i] = 1
            abandoned += 1
    return time.process_time() - t0, len(t_list), abandoned / len(t_list)


def compare(complaints: int, repeat: int) -> list[tuple[str, float, float, float]]:
    """(engine, complaints per CPU second, CPU seconds, abandon rate), best of ``repeat``."""
    sc = scenario(complaints)
    times, handle, patience = same_arrivals(sc)
    engines = {
        "stormdesk": lambda: run_stormdesk(sc),
        "simpy": lambda: run_simpy(times, handle, patience),
        "bare heapq": lambda: run_heapq(times, handle, patience),
    }
    if complaints <= CIW_UP_TO:
        engines["ciw"] = lambda: run_ciw(times, handle, patience)
    best: dict[str, tuple[float, int, float]] = {}
    for _ in range(repeat):  # interleaved, so a busy spell hurts every engine alike
        for name, fn in engines.items():
            seconds, n, abandon = fn()
            if name not in best or seconds < best[name][0]:
                best[name] = (seconds, n, abandon)
    return [(name, n / sec, sec, ab) for name, (sec, n, ab) in best.items()]


def scaling(sizes=(10_000, 100_000, 1_000_000), repeat: int = 2) -> list[tuple]:
    """(system, complaints, CPU µs per complaint) for a bounded and a growing backlog."""
    rows = []
    for label, kwargs in (
        ("constant load (ρ 0.9, abandonment)", {}),
        ("growing backlog (ρ ≈ 1.3, no abandonment)", {"agents": 7, "patience": False}),
    ):
        for n in sizes:
            sc = scenario(n, **kwargs)
            best = min(run_stormdesk(sc)[0] for _ in range(repeat))
            rows.append((label, n, best / n * 1e6))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3, help="rounds; each engine keeps its best")
    parser.add_argument("--scaling", action="store_true", help="also the cost per complaint")
    args = parser.parse_args(argv)
    return {n: compare(n, args.repeat) for n in args.complaints}, (
        scaling() if args.scaling else []
    )


if __name__ == "__main__":
    import sys

    from benchmarks.report import print_table

    argv = sys.argv[1:] or ["--scaling"]
    by_size, scale = main(argv)
    for n, rows in by_size.items():
        ref = {name: rate for name, rate, *_ in rows}
        print_table(
            f"Pure queue M/M/10+M, ρ = 0.9, {n:,} complaints, same arrivals "
            "(complaints per CPU second; target: stormdesk ≥ 2× simpy)",
            ["engine", "complaints/s", "CPU s", "abandon rate", "stormdesk ÷ this"],
            [
                (e, f"{r:,.0f}", f"{s:.2f}", f"{a:.4f}", f"{ref['stormdesk'] / r:.2f}")
                for e, r, s, a in rows
            ],
        )
    if scale:
        print_table(
            "Stormdesk CPU µs per complaint (target: flat ±15% from 10k to 1M at constant load)",
            ["system", "complaints", "µs / complaint"],
            [(label, f"{n:,}", f"{us:.2f}") for label, n, us in scale],
        )
