// An instance dies mid-battle (SIGKILL): the player it served reconnects to another instance,
// resumes without a gap, and the battle goes on to a verdict and a winner, told to both players.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startStack, guest, connectAs, psql } from "./harness.mjs";
import { RIGHT_PYTHON } from "./solutions.mjs";

let stack;
before(async () => {
  stack = await startStack({
    battleInstances: 2,
    countdownMs: 200,
    battleEnv: { JOUST_RECONNECT_GRACE_MS: "30000", JOUST_SWEEP_INTERVAL_MS: "200" },
  });
});
after(async () => {
  await stack?.stop();
});

test("a battle survives the SIGKILL of the instance one player was on", async () => {
  const [a, b] = [await guest(stack.battles[0], "alice"), await guest(stack.battles[1], "bob")];
  const doomed = await connectAs(stack.battles[0], a);
  const bob = await connectAs(stack.battles[1], b);
  let alice;
  try {
    const challenge = await doomed.request("challenge:create", {});
    const accepted = await bob.request("challenge:accept", { code: challenge.data.code });
    assert.equal(accepted.ok, true, JSON.stringify(accepted));
    const battleId = accepted.data.battle_id;
    await doomed.waitFor((e) => e.type === "battle.started");
    const lastSeen = doomed.events.at(-1).seq;

    stack.battleProcesses[0].kill("SIGKILL");
    // Meanwhile the opponent keeps playing on the surviving instance.
    const wrong = await bob.request("battle:submit", { battle_id: battleId, language: "python", source: "print(0)" });
    assert.equal(wrong.ok, true, JSON.stringify(wrong));
    await bob.waitFor((e) => e.type === "submission.judged" && e.data.submission_id === wrong.data.submission_id);

    alice = await connectAs(stack.battles[1], a);
    const resumed = await alice.request("battle:resume", { battle_id: battleId, last_seq: lastSeen });
    assert.equal(resumed.ok, true, JSON.stringify(resumed));
    const seqs = resumed.data.events.map((e) => e.seq);
    assert.deepEqual(seqs, seqs.map((_, i) => lastSeen + 1 + i), "no gap");
    assert.ok(resumed.data.events.some((e) => e.type === "submission.judged"), "missed verdict comes back");

    const right = await alice.request("battle:submit", { battle_id: battleId, language: "python", source: RIGHT_PYTHON });
    assert.equal(right.ok, true, JSON.stringify(right));
    for (const player of [alice, bob]) {
      const finished = await player.waitFor((e) => e.type === "battle.finished");
      assert.equal(finished.data.winner_id, a.userId);
    }
    const [status, winner] = psql(stack.database, `SELECT status, winner_id FROM battles WHERE id = '${battleId}'`).split("|");
    assert.deepEqual([status, winner], ["finished", a.userId]);
  } finally {
    doomed.socket.close();
    bob.socket.close();
    alice?.socket.close();
  }
});
