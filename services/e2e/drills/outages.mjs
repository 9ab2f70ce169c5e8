// Drills that take a store or the executor away during play: a Redis restart (it comes back
// empty), a PostgreSQL pause and stop, and the executor's loss under load. Each keeps the duels
// submitting through the outage and checks that every acknowledged submission is stored and
// judged afterwards.
import { tally, until } from "../harness.mjs";
import { WRONG_PYTHON } from "../solutions.mjs";
import { counts, coverage, seen, settle, submitting } from "./players.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Seconds with one decimal. */
const s = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** How long after `t0` the first submit was acknowledged again, from the load's acks. */
function firstAckAfter(load, t0) {
  const after = load.acked.filter((a) => a.at >= t0).map((a) => a.at);
  return after.length ? s(Math.min(...after) - t0) : "never";
}

function ledgerLine(acked, ledger) {
  return `${acked.length} submissions acknowledged, ${ledger.stored} of them stored, ${ledger.judged} judged (${ledger.internalErrors} IE, all backlog judged ${s(ledger.waitedMs)} after the load stopped)`;
}

export async function redisRestart(stack, redis, pairs, intervalMs, downMs = 2000) {
  const load = submitting(pairs, intervalMs, WRONG_PYTHON);
  await sleep(2000);
  const t0 = Date.now();
  await redis.stop();
  // The second player of each duel sends a chat line while Redis is down.
  const chats = Promise.all(
    pairs.map(([, b], i) =>
      b
        .request("chat:send", { battle_id: b.battleId, text: `during ${i}` })
        .catch(() => ({ ok: false, error: { code: "TIMEOUT" } })),
    ),
  );
  await sleep(downMs);
  await redis.start();
  const upAt = Date.now();
  const answers = await chats;
  await sleep(5000);
  const { acked, refused } = await load.stop();
  const ledger = await settle(stack.database, acked);
  await sleep(2000);
  const ackedChats = answers.flatMap((a, i) => (a.ok ? [i] : []));
  const delivered = ackedChats.filter((i) => pairs[i][0].chats.has(`during ${i}`)).length;
  const { OK: _acked, ...refusedChats } = tally(answers);
  const view = await coverage(pairs, t0);
  return {
    name: "Redis restart",
    degraded:
      `the cluster's Redis killed and restarted empty after ${s(downMs)} while ${pairs.length} duels submitted; ` +
      `refused or unanswered submits: ${counts(refused)}; chat lines sent while it was down: ${pairs.length}, refused: ${counts(refusedChats)}`,
    duration: `Redis back ${s(upAt - t0)} after the kill; first submit acknowledged ${firstAckAfter(load, upAt)} after it came back`,
    recovered:
      `${ledgerLine(acked, ledger)}; ${ackedChats.length} chat lines acknowledged, ${delivered} of them delivered; ` +
      seen(view, pairs.length),
  };
}

/**
 * The drill's own PostgreSQL cluster taken away for `downMs` during play: `pause` freezes it
 * (SIGSTOP of the postmaster and every backend, then SIGCONT), `stop` is `pg_ctl stop -m fast`
 * and `start`, which cuts every connection.
 */
export async function databaseOutage(stack, postgres, pairs, intervalMs, kind, downMs = 5000) {
  const load = submitting(pairs, intervalMs, WRONG_PYTHON);
  await sleep(2000);
  const t0 = Date.now();
  if (kind === "pause") postgres.pause();
  else postgres.stop();
  await sleep(downMs);
  if (kind === "pause") postgres.resume();
  else postgres.start();
  const upAt = Date.now();
  await sleep(10_000);
  const { acked, refused } = await load.stop();
  const during = acked.filter((a) => a.at >= t0 && a.at < upAt).length;
  const ledger = await settle(stack.database, acked);
  await sleep(2000);
  const view = await coverage(pairs, t0);
  const what = kind === "pause" ? "frozen (SIGSTOP of the postmaster and its backends)" : "stopped (`pg_ctl stop -m fast`)";
  return {
    name: kind === "pause" ? "PostgreSQL pause" : "PostgreSQL stop",
    degraded:
      `PostgreSQL ${what} for ${s(downMs)} while ${pairs.length} duels submitted; refused or unanswered submits: ${counts(refused)}; ` +
      `acknowledged while it was away: ${during}`,
    duration: `first submit acknowledged ${firstAckAfter(load, upAt)} after it came back`,
    recovered: `${ledgerLine(acked, ledger)}; ${seen(view, pairs.length)}`,
  };
}

/**
 * The executor killed (SIGKILL) while the duels submit, and started again `downMs` later: how
 * long judging takes to resume once it is back, against the breaker's open window.
 */
export async function executorLoss(stack, pairs, intervalMs, breakerOpenMs, downMs = 10_000) {
  const load = submitting(pairs, intervalMs, WRONG_PYTHON);
  await sleep(3000);
  const t0 = Date.now();
  const restart = await stack.killExecutor();
  await sleep(downMs);
  await restart();
  const backAt = Date.now();
  const judgedAfter = () =>
    pairs.flatMap(([a]) => [...a.judged.values()].filter((j) => j.at >= backAt).map((j) => j.at));
  await until(() => judgedAfter().length > 0, "a verdict after the executor is back", 120_000).catch(() => {});
  const resumedMs = judgedAfter().length ? Math.min(...judgedAfter()) - backAt : Infinity;
  await sleep(5000);
  const { acked, refused } = await load.stop();
  const ledger = await settle(stack.database, acked);
  const stalled = acked.filter((a) => a.at >= t0 && a.at < backAt).length;
  await sleep(2000);
  const view = await coverage(pairs, t0);
  return {
    name: "Executor loss under load",
    degraded:
      `the only executor killed (SIGKILL) while ${pairs.length} duels submitted, and started again after ${s(downMs)}; ` +
      `${stalled} submissions acknowledged while it was gone (queued, not refused); refused or unanswered submits: ${counts(refused)}`,
    duration:
      `first verdict ${Number.isFinite(resumedMs) ? s(resumedMs) : "never"} after the executor was back ` +
      `(breaker open window ${s(breakerOpenMs)}: ${resumedMs <= breakerOpenMs ? "within it" : "NOT within it"})`,
    recovered: `${ledgerLine(acked, ledger)}; ${seen(view, pairs.length)}`,
  };
}
