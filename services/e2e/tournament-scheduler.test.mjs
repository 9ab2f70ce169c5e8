// The tournament scheduler across processes: three battle instances run it against one
// database and Redis. A 16-player bracket's eight first-round matches are moved to the same
// moment; each gets exactly one battle and each player one notice. Then every instance is
// killed (SIGKILL) while a round falls due and started again: still exactly one battle per
// match.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { startStack, connectAs, psql, metric, until } from "./harness.mjs";
import { TOURNAMENT_ENV, grantOrganizer, ok, register, startTournament } from "./tournaments.mjs";

const INSTANCES = 3;
let stack;
let organizer;
before(async () => {
  stack = await startStack({
    battleInstances: INSTANCES,
    judge: false,
    battleEnv: { ...TOURNAMENT_ENV, JOUST_TOURNAMENT_TICK_MS: "50", JOUST_TOURNAMENT_NOTICE_MS: "1500" },
  });
  organizer = await register(stack.battle, "org");
  grantOrganizer(stack, organizer.name);
});
after(async () => {
  await stack?.stop();
});

/** 16 registered players in a single elimination starting in an hour; returns its id. */
async function sixteen(prefix) {
  const players = [];
  for (let i = 0; i < 16; i++) players.push(await register(stack.battle, `${prefix}${i}`));
  const later = new Date(Date.now() + 3_600_000).toISOString();
  const id = await startTournament(stack.battle, organizer, players, {
    format: "single_elimination",
    starts_at: later,
    round_interval_secs: 600,
    battle_secs: 600,
  });
  return { id, players };
}

/** Moves every first-round match to `at`, through the organizer's reschedule route. */
async function allDueAt(id, at) {
  const t = await ok(stack.battle, "GET", `/api/tournaments/${id}`);
  const first = t.matches.filter((m) => m.round === 1 && m.group === 0);
  assert.equal(first.length, 8);
  for (const m of first) {
    await ok(stack.battle, "PUT", `/api/tournaments/${id}/matches/${m.id}/schedule`, organizer.token, { scheduled_at: at });
  }
}

/** Per first-round match, how many battles were created for it (by the battles' pairing key). */
function battlesPerMatch(id) {
  const rows = psql(
    stack.database,
    `SELECT m.match_id, (SELECT count(*) FROM battles b WHERE b.pairing_key = 'tournament:' || m.tournament_id || ':' || m.match_id),
            m.battle_id IS NOT NULL
     FROM tournament_matches m WHERE m.tournament_id = '${id}' AND m.round = 1 ORDER BY m.match_id`,
  );
  return rows.split("\n").map((r) => r.split("|"));
}

test("three instances give each of eight simultaneous matches exactly one battle", async () => {
  const { id, players } = await sixteen("m");
  // Each player connected to one of the instances, in turn.
  const sockets = [];
  for (const [i, p] of players.entries()) sockets.push(await connectAs(stack.battles[i % INSTANCES], p));
  const notices = sockets.map(() => []);
  sockets.forEach((s, i) => s.socket.on("tournament:match", (n) => notices[i].push(n)));
  try {
    const at = new Date(Date.now() + 4000).toISOString();
    await allDueAt(id, at);
    await until(() => battlesPerMatch(id).every(([, , has]) => has === "t"), "every match's battle", 60_000);
    // A few more ticks of every instance: still one battle per match.
    await new Promise((r) => setTimeout(r, 500));
    for (const [match, count] of battlesPerMatch(id)) assert.equal(count, "1", `match ${match}`);
    let started = 0;
    for (const url of stack.battles) started += await metric(url, "tournament_matches_started_total");
    assert.equal(started, 8, "the instances created eight battles between them");
    // Every player got one notice for the shared moment, naming the opponent, then the battle.
    const t = await ok(stack.battle, "GET", `/api/tournaments/${id}`);
    for (const [i, p] of players.entries()) {
      await until(() => notices[i].length === 1 && sockets[i].events.some((e) => e.type === "battle.created"), `${p.name}'s notice and battle`);
      const [notice] = notices[i];
      const match = t.matches.find((m) => m.id === notice.match_id);
      assert.ok(match.players.includes(p.userId) && match.players.includes(notice.opponent.id));
      assert.equal(new Date(notice.scheduled_at).getTime(), new Date(at).getTime());
      assert.equal(sockets[i].events.find((e) => e.type === "battle.created").battle_id, match.battle_id);
    }
  } finally {
    for (const s of sockets) s.socket.close();
  }
});

/** The first-round matches of `id` whose battle-creation lock is held in Redis. */
function lockedMatches(id) {
  const keys = execFileSync("redis-cli", ["--scan", "--pattern", `${stack.redisPrefix}lock:tournament:${id}:*`], { encoding: "utf8" });
  return new Set(keys.split("\n").filter(Boolean).map((k) => k.split(":").pop()));
}

test("every instance killed while the round's battles are being created: restarted, they still start each match once", async () => {
  const { id } = await sixteen("k");
  // Two instances stall every creation while holding the match's lock, as paused processes do.
  for (const i of [1, 2]) await stack.restartBattle(i, { JOUST_LOCK_TEST_HOLD_MS: "60000" });
  await allDueAt(id, new Date(Date.now() + 2000).toISOString());
  // Once every match has its battle or a stalled creation in flight, kill all three (no drain).
  await until(() => {
    const locked = lockedMatches(id);
    return battlesPerMatch(id).every(([match, , has]) => has === "t" || locked.has(match));
  }, "the round under way", 60_000);
  await Promise.all(
    stack.battleProcesses.map((child) => {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGKILL");
      return exited;
    }),
  );
  const created = battlesPerMatch(id).filter(([, , has]) => has === "t").length;
  // Started again without the stall: the dead holders' locks expire, and the rest is created once.
  for (let i = 0; i < INSTANCES; i++) await stack.restartBattle(i);
  await until(() => battlesPerMatch(id).every(([, , has]) => has === "t"), "every match's battle after the restart", 60_000);
  await new Promise((r) => setTimeout(r, 500));
  for (const [match, count] of battlesPerMatch(id)) assert.equal(count, "1", `match ${match}`);
  console.log(`${created} of 8 battles existed when the instances were killed`);
});
