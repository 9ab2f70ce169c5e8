// Seats survive a disconnect across instances: two real battle instances share PostgreSQL and
// Redis; a player drops from one, comes back on the other within the grace period and resumes.
// A player who does not come back forfeits, once, although both instances sweep.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startStack, guest, connectAs, psql } from "./harness.mjs";

const GRACE_MS = 3000;
let stack;
before(async () => {
  stack = await startStack({
    judge: false,
    battleInstances: 2,
    countdownMs: 200,
    battleEnv: { JOUST_RECONNECT_GRACE_MS: String(GRACE_MS), JOUST_SWEEP_INTERVAL_MS: "200" },
  });
});
after(async () => {
  await stack?.stop();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Two players on different instances in a started battle. */
async function startedDuel(nameA, nameB) {
  const [a, b] = [await guest(stack.battles[0], nameA), await guest(stack.battles[1], nameB)];
  const first = await connectAs(stack.battles[0], a);
  const second = await connectAs(stack.battles[1], b);
  const challenge = await first.request("challenge:create", {});
  const accepted = await second.request("challenge:accept", { code: challenge.data.code });
  assert.equal(accepted.ok, true, JSON.stringify(accepted));
  for (const p of [first, second]) await p.waitFor((e) => e.type === "battle.started");
  return { a, b, first, second, battleId: accepted.data.battle_id };
}

test("a player who drops from one instance resumes on the other and keeps the seat", async () => {
  const { a, first, second, battleId } = await startedDuel("alice", "bob");
  let again;
  try {
    const lastSeen = first.events.at(-1).seq;
    first.socket.close();
    const gone = await second.waitFor((e) => e.type === "player.disconnected", 10_000);
    assert.deepEqual(gone.data, { user_id: a.userId, grace_ms: GRACE_MS });

    again = await connectAs(stack.battles[1], a);
    const back = await second.waitFor((e) => e.type === "player.reconnected", 10_000);
    assert.equal(back.data.user_id, a.userId);
    const resumed = await again.request("battle:resume", { battle_id: battleId, last_seq: lastSeen });
    assert.equal(resumed.ok, true, JSON.stringify(resumed));
    const missed = resumed.data.events;
    assert.deepEqual(
      missed.map((e) => e.seq),
      missed.map((_, i) => lastSeen + 1 + i),
      "no gap",
    );
    assert.deepEqual(
      missed.map((e) => e.type),
      ["player.disconnected", "player.reconnected"],
    );

    // Past the grace period the battle is still on: the seat was kept.
    await sleep(GRACE_MS + 1000);
    assert.equal(psql(stack.database, `SELECT status FROM battles WHERE id = '${battleId}'`), "running");

    // Resigning over the socket ends it for both.
    const resigned = await again.request("battle:resign", { battle_id: battleId });
    assert.equal(resigned.ok, true, JSON.stringify(resigned));
    const finished = await second.waitFor((e) => e.type === "battle.finished");
    assert.equal(finished.data.outcome, "forfeit");
    assert.equal(finished.data.reason, "resigned");
    assert.equal(finished.data.winner_id, second.userId);
  } finally {
    again?.socket.close();
    second.socket.close();
  }
});

test("a player who does not come back within the grace period forfeits once", async () => {
  const { a, b, first, second, battleId } = await startedDuel("carol", "dave");
  try {
    first.socket.close();
    const gone = await second.waitFor((e) => e.type === "player.disconnected", 10_000);
    assert.equal(gone.data.user_id, a.userId);
    const finished = await second.waitFor((e) => e.type === "battle.finished", GRACE_MS + 10_000);
    assert.deepEqual(
      { outcome: finished.data.outcome, reason: finished.data.reason, winner: finished.data.winner_id },
      { outcome: "forfeit", reason: "disconnected", winner: b.userId },
    );
    // Both instances keep sweeping; the forfeit stays the only ending.
    await sleep(1000);
    assert.equal(
      psql(stack.database, `SELECT count(*) FROM battle_events WHERE battle_id = '${battleId}' AND type = 'battle.finished'`),
      "1",
    );
    const [status, outcome, winner] = psql(
      stack.database,
      `SELECT status, outcome, winner_id FROM battles WHERE id = '${battleId}'`,
    ).split("|");
    assert.deepEqual([status, outcome, winner], ["finished", "forfeit", b.userId]);
  } finally {
    second.socket.close();
  }
});
