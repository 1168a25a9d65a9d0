"""Issue 19's analysis benchmark: time and memory of analysis.compute on debates made in memory.

    .venv/bin/python -m bench.analysis [--arguments 10000 --voters 1000 --votes 200000 --seed 1]

No database and no server: the ballots are generated here, deterministically from --seed, and
analysed in this process with native code on one thread (as analyse() runs it). Two debates:

- synthetic: the shape of `seed_synthetic`'s debate (1,000 voters; 200,000 votes, 999 of them
  on the motion; votes per argument heavy-tailed, at most one per voter, up to 999), with three
  opinion camps along which voters agree or disagree;
- seeded: the Karabakh seed's motions (debates/seed/karabakh.json: their real numbers of
  arguments, 4 to 13), each voted on by --seeded-voters voters, every voter on about 70% of
  the claims. The seed holds no votes, so these are made up the same way.

For each it prints the wall and CPU time of analyse() (best of --repeat runs), the peak memory
the analysis allocates (tracemalloc, a separate run) and the process's peak RSS at the end.
Building the Ballot objects (what analysis.ballots does from the query's rows) is timed apart.

    .venv/bin/python -m bench.analysis --database-url postgres://postgres@127.0.0.1:5432/crux_bench

times instead the worker's whole run on a database's motion (--slug, default the synthetic one
that `manage.py seed_synthetic --arguments 10000 --users 1000 --votes 200000` makes): what
analysis.services.refresh does, reading the votes, analysing them, tallying each group's votes
for "view as group" and storing the result, with the process's peak RSS.
"""

import argparse
import json
import resource
import time
import tracemalloc
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score

from analysis.compute import Ballot, Claim, analyse, personal_cruxes

SEED_FILE = Path(__file__).resolve().parents[1] / "debates" / "seed" / "karabakh.json"
MOTION = Claim("motion", 1)


def synthetic(arguments: int, voters: int, votes: int, seed: int):
    """The ballots, and each voter's planted camp (by user id)."""
    rng = np.random.default_rng(seed)
    camp = rng.choice(3, size=voters, p=[0.5, 0.3, 0.2])
    centres = np.array([[1.0, 0.0], [-0.5, 0.9], [-0.5, -0.9]])
    position = centres[camp] + rng.normal(0, 0.35, (voters, 2))
    # Votes per argument: heavy-tailed (Pareto), scaled to the total, at most one per voter.
    on_motion = min(voters - 1, votes)
    weight = rng.pareto(1.2, arguments) + 1
    per_argument = np.zeros(arguments, dtype=int)
    if votes - on_motion > arguments * (voters - 1):
        raise SystemExit("More votes than voters can cast on that many arguments.")
    while (left := votes - on_motion - per_argument.sum()) > 0:  # what the cap cut goes on
        room = np.where(per_argument < voters - 1, weight, 0.0)
        share = np.floor(room / room.sum() * left).astype(int)
        if not share.any():  # a few left: one more each for the heaviest with room
            share[np.argsort(-room)[:left]] = 1
        per_argument = np.minimum(per_argument + share, voters - 1)
    loading = rng.normal(0, 1, (arguments + 1, 2))
    bias = rng.normal(-0.3, 0.8, arguments + 1)

    ballots = []
    claims = [MOTION, *(Claim("argument", 1000 + i) for i in range(arguments))]
    counts = [on_motion, *per_argument.tolist()]
    for index, (claim, count) in enumerate(zip(claims, counts, strict=True)):
        chosen = rng.choice(voters, size=count, replace=False)
        logit = 2.5 * position[chosen] @ loading[index] + bias[index]
        agree = rng.random(count) < 1 / (1 + np.exp(-logit))
        ballots.extend(
            Ballot(int(v) + 1, claim, bool(a)) for v, a in zip(chosen, agree, strict=True)
        )
    return ballots, {v + 1: int(c) for v, c in enumerate(camp)}


def seeded(voters: int, seed: int) -> list[tuple[str, list[Ballot]]]:
    data = json.loads(SEED_FILE.read_text(encoding="utf-8"))
    rng = np.random.default_rng(seed)
    debates = []
    for motion in data["motions"]:
        count = _count(motion.get("arguments", []))
        claims = [MOTION, *(Claim("argument", 100 + i) for i in range(count))]
        side = rng.random(voters) < 0.5
        stance = rng.random(len(claims)) < 0.5
        ballots = [
            Ballot(v + 1, claim, bool((side[v] == stance[c]) != (rng.random() < 0.2)))
            for v in range(voters)
            for c, claim in enumerate(claims)
            if rng.random() < 0.7
        ]
        debates.append((motion["slug"], ballots))
    return debates


def _count(nodes: list) -> int:
    return sum(1 + _count(node.get("arguments", [])) for node in nodes)


def measure(ballots: list[Ballot], repeat: int) -> dict:
    analyse(ballots[:50], motion=MOTION)  # warm: first calls load native code
    best_wall = best_cpu = float("inf")
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = analyse(ballots, motion=MOTION)
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    tracemalloc.start()
    analyse(ballots, motion=MOTION)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"wall": best_wall, "cpu": best_cpu, "peak_mb": peak / 2**20, "result": result}


def whole_run(database_url: str, slug: str, repeat: int) -> None:
    from bench.common import prepare_database, setup_django

    prepare_database(database_url)
    setup_django(database_url)
    from analysis import services
    from analysis.ballots import ballots as read_ballots
    from debates.models import Motion, Vote

    motion = Motion.objects.filter(slug=slug).first()
    if motion is None:
        raise SystemExit(f"No motion {slug!r} in that database: seed it first.")
    votes = (
        Vote.objects.filter(motion=motion).count()
        + Vote.objects.filter(argument__motion=motion).count()
    )
    arguments = motion.arguments.count()
    print(f"{slug}: {arguments:,} arguments, {votes:,} votes, the worker's whole run")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    read = read_ballots(motion.pk)
    print(f"  reading {len(read):,} ballots (one query): {time.perf_counter() - started:.2f} s")
    del read
    best_wall = best_cpu = float("inf")
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        stored = services.refresh(motion_id=motion.pk)
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    result = stored.result
    print(
        f"  services.refresh: {best_wall:.2f} s wall, {best_cpu:.2f} s CPU of this process "
        f"(best of {repeat}; the database's own time is apart); {len(result['groups'])} groups, "
        f"{result['voters']:,} voters"
    )
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  process peak RSS: {peak_rss:.0f} MB ({rss_before:.0f} MB with Django loaded)")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arguments", type=int, default=10_000)
    parser.add_argument("--voters", type=int, default=1_000)
    parser.add_argument("--votes", type=int, default=200_000)
    parser.add_argument("--seeded-voters", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", help="time the worker's whole run on this database")
    parser.add_argument("--slug", default="synthetic", help="with --database-url")
    args = parser.parse_args(argv)
    if args.database_url:
        whole_run(args.database_url, args.slug, args.repeat)
        return

    started = time.perf_counter()
    ballots, camps = synthetic(args.arguments, args.voters, args.votes, args.seed)
    made = time.perf_counter() - started
    print(
        f"synthetic debate: {args.arguments:,} arguments, {args.voters:,} voters, "
        f"{len(ballots):,} votes (made in {made:.2f} s)"
    )
    rows = [(b.voter, b.claim.id if b.claim.kind == "argument" else None, b.agree) for b in ballots]
    started = time.perf_counter()
    rebuilt = [  # as analysis.ballots builds them from the query's rows
        Ballot(v, Claim("argument", a) if a else MOTION, agree) for v, a, agree in rows
    ]
    print(f"  building {len(rebuilt):,} Ballots from rows: {time.perf_counter() - started:.2f} s")
    del rows, rebuilt
    big = measure(ballots, args.repeat)
    result = big["result"]
    print(
        f"  analyse: {big['wall']:.2f} s wall, {big['cpu']:.2f} s CPU (best of {args.repeat}); "
        f"peak allocated {big['peak_mb']:.0f} MB"
    )
    print(
        f"  found: {len(result.groups)} groups of {[g.size for g in result.groups]}, "
        f"{sum(r.status == 'bridging' for r in result.bridging)} bridging of "
        f"{len(result.bridging):,}, {len(result.cruxes)} cruxes shown"
    )
    found = {v: g.id for g in result.groups for v in g.members}
    agreement = adjusted_rand_score([camps[v] for v in found], list(found.values()))
    print(f"  adjusted Rand index of the groups against the planted camps: {agreement:.3f}")
    voter = next(b.voter for b in ballots if b.claim == MOTION)
    started = time.perf_counter()
    personal_cruxes(ballots, motion=MOTION, voter=voter)
    print(f"  personal_cruxes (everyone, one voter): {time.perf_counter() - started:.2f} s")

    print(f"seeded debate: the Karabakh seed's motions, {args.seeded_voters} voters each")
    total = 0.0
    for slug, motion_ballots in seeded(args.seeded_voters, args.seed):
        small = measure(motion_ballots, args.repeat)
        total += small["wall"]
        print(
            f"  {slug}: {len(motion_ballots):,} votes, {small['wall'] * 1000:.0f} ms wall, "
            f"{small['cpu'] * 1000:.0f} ms CPU, peak {small['peak_mb']:.1f} MB, "
            f"{len(small['result'].groups)} groups"
        )
    print(f"  all motions: {total:.2f} s")
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS (interpreter, libraries, ballots, analyses): {peak_rss:.0f} MB")


if __name__ == "__main__":
    main()
