"""Pure queue (Erlang A, M/M/c+M): Stormdesk vs SimPy vs ciw on the same arrivals.

Stormdesk draws the arrival times, handle times and patience of ~100k complaints; the peers are
fed exactly those numbers (SimPy per customer; ciw through ``Sequential`` distributions, which
hand out service times in service order — same values, same distribution). A bare ``heapq``
loop with no agents and no bookkeeping is the floor. Throughput = complaints per second of
wall time, including each library's set-up and result collection.

Each engine runs ``--repeat`` times, interleaved, and keeps its best time.

Run: ``python -m benchmarks.bench_queue [--complaints N] [--repeat R]``
"""

from __future__ import annotations

import argparse
import heapq
import time

import numpy as np

import sim
from sim.model import StormModel

ARRIVALS_PER_HOUR = 540.0  # 9 per minute
AHT_MIN = 1.0
AGENTS = 10
PATIENCE_MEAN_MIN = 2.0  # ρ = 0.9 with abandonment: a busy Erlang A queue


def scenario(complaints: int):
    hours = complaints / ARRIVALS_PER_HOUR
    return sim.parse_scenario(
        {
            "scenario": {"name": "bench M/M/10+M", "duration_hours": hours, "seed": 1},
            "arrivals": {"base_per_hour": ARRIVALS_PER_HOUR, "profile": "flat"},
            "channels": {
                "phone": {
                    "public": False,
                    "share": 1.0,
                    "patience": {"dist": "exponential", "mean_min": PATIENCE_MEAN_MIN},
                    "handle_time": {"dist": "exponential", "mean_min": AHT_MIN},
                    "concurrency": 1,
                    "sla_min": 0.5,
                }
            },
            "behaviour": {"follow_ups": False, "escalations": False},
            "shifts": [{"name": "all_day", "reps": AGENTS, "start": "00:00", "end": "24:00"}],
        }
    )


def run_stormdesk(sc) -> tuple[float, int, float]:
    t0 = time.perf_counter()
    model = StormModel(sc, 1)
    model.run()
    k = model.results().kpis["channels"]["phone"]
    return time.perf_counter() - t0, k["arrived"], k["abandon_rate"]


def same_arrivals(sc):
    model = StormModel(sc, 1)
    return model.exo.time.copy(), model._exo_handle.copy(), model._exo_patience.copy()


def run_simpy(times, handle, patience) -> tuple[float, int, float]:
    import simpy

    t0 = time.perf_counter()
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
    return time.perf_counter() - t0, len(t_list), abandoned[0] / len(t_list)


def run_ciw(times, handle, patience) -> tuple[float, int, float]:
    import ciw

    t0 = time.perf_counter()
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
    return time.perf_counter() - t0, n, reneged / n


def run_heapq(times, handle, patience) -> tuple[float, int, float]:
    """The floor: an M/M/c+M event loop on plain tuples, no agents, no statistics but one."""
    t0 = time.perf_counter()
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
    return time.perf_counter() - t0, len(t_list), abandoned / len(t_list)


def main(argv=None) -> list[tuple[str, float, float, float]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="rounds; each engine keeps its best")
    args = parser.parse_args(argv)
    sc = scenario(args.complaints)
    times, handle, patience = same_arrivals(sc)
    engines = {
        "stormdesk": lambda: run_stormdesk(sc),
        "simpy": lambda: run_simpy(times, handle, patience),
        "ciw": lambda: run_ciw(times, handle, patience),
        "bare heapq": lambda: run_heapq(times, handle, patience),
    }
    best: dict[str, tuple[float, int, float]] = {}
    for _ in range(args.repeat):  # interleaved, so a busy spell hurts every engine alike
        for name, fn in engines.items():
            seconds, n, abandon = fn()
            if name not in best or seconds < best[name][0]:
                best[name] = (seconds, n, abandon)
    return [(name, n / sec, sec, ab) for name, (sec, n, ab) in best.items()]


if __name__ == "__main__":
    from benchmarks.report import print_table

    rows = main()
    ref = {name: rate for name, rate, *_ in rows}
    print_table(
        "Pure queue M/M/10+M, ρ = 0.9, same arrivals (complaints per second of wall time)",
        ["engine", "complaints/s", "seconds", "abandon rate", "stormdesk ÷ this"],
        [
            (n, f"{r:,.0f}", f"{s:.2f}", f"{a:.4f}", f"{ref['stormdesk'] / r:.2f}")
            for n, r, s, a in rows
        ],
    )
