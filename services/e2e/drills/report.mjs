// docs/drills.md from a drill run's results.

/** The page: how the run was made, one row per drill, and how to read the rows. */
export function report({ results, clients, duels, submitEveryMs, requeueAfterMs, build, machine, started }) {
  const row = (r) => `| ${r.name} | ${r.degraded} | ${r.duration} | ${r.recovered} |`;
  return [
    "# Drills",
    "",
    "Produced by `make drill` (`services/e2e/drills/`). Two battle instances behind haproxy",
    "(`infra/haproxy/`), one judge and one executor, on a Redis and a PostgreSQL cluster of the",
    "drill's own (started on free ports and removed afterwards), so that stopping or freezing them",
    "disturbs nothing else on the machine.",
    "",
    `Run: ${started.toISOString().slice(0, 16).replace("T", " ")} UTC, ${build} build, ${machine}.`,
    `Load: ${clients} clients connected through haproxy, ${duels} duels between them, in each duel one`,
    `player submits a wrong Python answer every ${submitEveryMs / 1000} s during the drills that`,
    "measure judging, and both players resume as `docs/protocol.md` asks. The judge puts back",
    `a submission whose stream entry was lost after ${requeueAfterMs / 1000} s instead of the default 300 s,`,
    "so that the Redis drill does not wait five minutes; the mechanism is the same.",
    "",
    "| drill | what degraded | for how long | what recovered |",
    "|---|---|---|---|",
    ...results.map(row),
    "",
    "## How to read it",
    "",
    "- **Events lost** counts events of a battle's log that a player had not seen, live or",
    "  through `battle:resume`, once its resumes had ended. It must be none.",
    "- **Events a player resumed** are the ones it did not get live and fetched with",
    "  `battle:resume`, by type. Most are expected: a player away reconnecting misses what happens",
    "  meanwhile. **Missed while connected** are those among them that a player missed although it",
    "  was connected in the second around the event: the live copy was lost on the way (a",
    "  publish from an instance that died after committing, or a Redis that was down). The log",
    "  in PostgreSQL has them, and a client finds the gap at its next event or reconnect.",
    "- **Submissions.** Acknowledged submissions are looked up in the database afterwards: each",
    "  must be stored and judged, and none may be judged `IE` because of the outage. A submit",
    "  that was refused or whose ack never came is retryable with its `idempotency_key`; the",
    "  drill's clients do not retry, so such a submission may be stored without being counted",
    "  as acknowledged.",
    "- **Battles still running.** No duel finishes during the drills (every answer is wrong and",
    "  the reconnect grace is 120 s), so every battle must still be running after each drill.",
    "",
  ].join("\n");
}
