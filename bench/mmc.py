#!/usr/bin/env python3
"""Size Herald's delivery consumers with an M/M/c queue (see docs/operations.md, "Sizing").

Deliveries arrive as a Poisson process at rate lambda (per second); each of c consumers serves one
delivery at a time, with an exponential service time of mean 1/mu, where 1/mu is the receiver's
mean answer time. c is the total over all instances: instances x herald.deliver.consumers.

  python3 bench/mmc.py --rate 1000 --latency-ms 200 --target-wait-ms 50
      the smallest c with utilisation below --max-utilisation (default 0.8) and mean wait in the
      queue below --target-wait-ms, with its utilisation, P(wait) and mean wait
  python3 bench/mmc.py --rate 1000 --latency-ms 200 --consumers 300
      the same figures for a given c
  python3 bench/mmc.py
      the table in docs/operations.md

Standard library only.
"""

import argparse
import math
import sys

# What docs/operations.md tabulates.
TABLE_RATES = (100, 1_000, 5_000)
TABLE_LATENCIES_MS = (50, 200)
DEFAULT_TARGET_WAIT_MS = 50.0
DEFAULT_MAX_UTILISATION = 0.8
DEFAULT_CONSUMERS_PER_INSTANCE = 16   # herald.deliver.consumers


def erlang_c(c: int, a: float) -> float:
    """P(an arrival waits) in M/M/c with offered load a = lambda/mu (Erlangs); needs a < c.

    Computed through the Erlang B recursion B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)), which stays
    finite for thousands of servers (the textbook sum of a^k/k! overflows), then
    C = B / (1 - (a/c)(1 - B)).
    """
    if c <= 0 or a >= c:
        return 1.0
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    rho = a / c
    return b / (1.0 - rho * (1.0 - b))


def metrics(rate: float, latency_s: float, c: int) -> dict:
    """Utilisation, P(wait), mean wait in queue W_q and mean time in system W for c consumers."""
    mu = 1.0 / latency_s
    a = rate / mu
    rho = a / c
    if rho >= 1.0:
        return {"c": c, "rho": rho, "p_wait": 1.0, "wq": math.inf, "w": math.inf}
    p_wait = erlang_c(c, a)
    wq = p_wait / (c * mu - rate)
    return {"c": c, "rho": rho, "p_wait": p_wait, "wq": wq, "w": wq + latency_s}


def smallest_c(rate: float, latency_s: float, target_wait_s: float, max_rho: float) -> dict:
    """The smallest c with utilisation < max_rho and W_q < target_wait_s."""
    a = rate * latency_s
    c = max(1, math.floor(a / max_rho) + 1)   # the first c with a/c < max_rho
    while True:
        m = metrics(rate, latency_s, c)
        if m["rho"] < max_rho and m["wq"] < target_wait_s:
            return m
        c += 1


def fmt_ms(seconds: float) -> str:
    if math.isinf(seconds):
        return "inf"
    ms = seconds * 1000.0
    if ms == 0.0:
        return "0 ms"
    if ms < 0.001:
        return "<0.001 ms"
    return f"{ms:.3g} ms"


def fmt_p(p: float) -> str:
    return f"{p:.3g}"


def table(target_wait_s: float, max_rho: float, per_instance: int) -> None:
    print(f"Smallest number of delivery consumers c (all instances together) with utilisation < {max_rho}"
          f" and mean queue wait W_q < {fmt_ms(target_wait_s)}; M/M/c.")
    print()
    header = ("rate/s", "latency", "load a", "c", "rho", "P(wait)", "W_q", f"instances @{per_instance}")
    rows = []
    for rate in TABLE_RATES:
        for latency_ms in TABLE_LATENCIES_MS:
            m = smallest_c(rate, latency_ms / 1000.0, target_wait_s, max_rho)
            rows.append((f"{rate:,}", f"{latency_ms} ms", f"{rate * latency_ms / 1000.0:g}", str(m["c"]),
                         f"{m['rho']:.3f}", fmt_p(m["p_wait"]), fmt_ms(m["wq"]),
                         str(math.ceil(m["c"] / per_instance))))
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print("  ".join(h.rjust(w) for h, w in zip(header, widths)))
    for r in rows:
        print("  ".join(v.rjust(w) for v, w in zip(r, widths)))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="M/M/c sizing for Herald's delivery consumers.")
    p.add_argument("--rate", type=float, help="deliveries per second (lambda)")
    p.add_argument("--latency-ms", type=float, help="receivers' mean answer time in ms (1/mu)")
    p.add_argument("--target-wait-ms", type=float, default=DEFAULT_TARGET_WAIT_MS,
                   help=f"largest acceptable mean wait in the queue, ms (default {DEFAULT_TARGET_WAIT_MS:g})")
    p.add_argument("--max-utilisation", type=float, default=DEFAULT_MAX_UTILISATION,
                   help=f"utilisation to stay below (default {DEFAULT_MAX_UTILISATION}; 1: only the wait target)")
    p.add_argument("--consumers", type=int, help="evaluate this c instead of searching for the smallest")
    p.add_argument("--per-instance", type=int, default=DEFAULT_CONSUMERS_PER_INSTANCE,
                   help=f"herald.deliver.consumers, to count instances (default {DEFAULT_CONSUMERS_PER_INSTANCE})")
    args = p.parse_args(argv)

    if args.rate is None and args.latency_ms is None:
        table(args.target_wait_ms / 1000.0, args.max_utilisation, args.per_instance)
        return 0
    if args.rate is None or args.latency_ms is None:
        p.error("--rate and --latency-ms go together (or give neither for the table)")
    if args.rate <= 0 or args.latency_ms <= 0 or args.target_wait_ms <= 0:
        p.error("--rate, --latency-ms and --target-wait-ms must be positive")
    if not 0 < args.max_utilisation <= 1:
        p.error("--max-utilisation must be above 0 and at most 1 (1: only the wait target counts)")

    latency_s = args.latency_ms / 1000.0
    if args.consumers is not None:
        if args.consumers < 1:
            p.error("--consumers must be at least 1")
        m = metrics(args.rate, latency_s, args.consumers)
    else:
        m = smallest_c(args.rate, latency_s, args.target_wait_ms / 1000.0, args.max_utilisation)
    print(f"lambda = {args.rate:g}/s, 1/mu = {args.latency_ms:g} ms (mu = {1000.0 / args.latency_ms:g}/s per consumer),"
          f" offered load a = {args.rate * latency_s:g}")
    n = math.ceil(m["c"] / args.per_instance)
    print(f"c        = {m['c']}  ({n} instance{'s' if n != 1 else ''} at {args.per_instance} consumers each)")
    print(f"rho      = {m['rho']:.4f}")
    print(f"P(wait)  = {fmt_p(m['p_wait'])}")
    print(f"W_q      = {fmt_ms(m['wq'])}")
    print(f"W        = {fmt_ms(m['w'])}  (queue wait + service)")
    if m["rho"] >= 1.0:
        print("unstable: rho >= 1, the queue grows without bound", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
