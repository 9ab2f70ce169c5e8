// Drills that take battle instances away: a crash under a full house (the reconnect storm) and
// a rolling restart during play.
import { psql, until } from "../harness.mjs";
import { WRONG_PYTHON } from "../solutions.mjs";
import { counts, coverage, resumeRefusals, seen, settle, spread, submitting } from "./players.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Running battles of the drill's duels: none may have ended because of the drill. */
const running = (database) => Number(psql(database, "SELECT count(*) FROM battles WHERE status = 'running'"));

export async function reconnectStorm(stack, players, pairs) {
  const before = running(stack.database);
  const t0 = Date.now();
  const killed = stack.battleProcesses[0];
  const gone = new Promise((r) => killed.once("exit", r));
  killed.kill("SIGKILL");
  await sleep(1000);
  const hit = players.filter((p) => p.disconnects.some((t) => t >= t0));
  await until(() => hit.every((p) => p.socket.connected), "every client reconnects", 180_000);
  const times = hit.flatMap((p) => p.reconnects.filter((t) => t >= t0).slice(0, 1));
  const allBackMs = Math.max(0, ...times) - t0;
  await sleep(2000);
  const view = await coverage(pairs, t0);
  await gone;
  // `restartBattle` stops a process whose exit code is unset; a killed one has only a signal.
  stack.battleProcesses[0] = { exitCode: killed.signalCode };
  await stack.restartBattle(0);
  return {
    name: "Reconnect storm",
    degraded: `battle instance 1 killed (SIGKILL) with ${players.length} clients connected; ${hit.length} lost their connection`,
    duration: `last client back after ${(allBackMs / 1000).toFixed(1)} s; first reconnects per 500 ms: ${spread(times, t0)}`,
    recovered:
      `${running(stack.database)} of ${before} battles still running; ${seen(view, pairs.length)}; ` +
      `resumes refused or unanswered: ${counts(resumeRefusals(hit))}`,
  };
}

export async function rollingRestart(stack, balancer, pairs, intervalMs) {
  const t0 = Date.now();
  const load = submitting(pairs, intervalMs, WRONG_PYTHON);
  await sleep(2000);
  for (let i = 0; i < 2; i++) {
    await stack.restartBattle(i);
    // The next instance leaves only once the balancer sends traffic to this one again.
    await until(async () => (await balancer.serverStates())[`battle${i + 1}`] === "UP", "back in rotation", 60_000);
  }
  await sleep(2000);
  const { acked, refused } = await load.stop();
  const rollMs = Date.now() - t0;
  const ledger = await settle(stack.database, acked);
  const battles = Number(psql(stack.database, "SELECT count(*) FROM battles"));
  await sleep(2000);
  const view = await coverage(pairs, t0);
  return {
    name: "Rolling restart",
    degraded:
      `both battle instances restarted in turn (SIGTERM, drain, start) while ${pairs.length} duels each submitted every ` +
      `${intervalMs / 1000} s; refused or unanswered submits (retryable): ${counts(refused)}`,
    duration: `${(rollMs / 1000).toFixed(1)} s from the first restart to the end of the load; backlog judged ${(ledger.waitedMs / 1000).toFixed(1)} s later`,
    recovered:
      `${acked.length} submissions acknowledged, ${ledger.stored} of them stored, ${ledger.judged} judged (${ledger.internalErrors} IE); ` +
      `${battles} battles for ${pairs.length} duels, ${running(stack.database)} still running; ${seen(view, pairs.length)}`,
  };
}
