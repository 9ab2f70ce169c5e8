// Redis holds only hot state. When it loses every key of the deployment in the middle of a battle
// (snapshots, the submissions stream and its consumer group, timers), the battle goes on: state
// is rebuilt from the PostgreSQL event log, chat still flows between instances, a submission is
// judged, and the winner is decided, with an unbroken event sequence.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startStack, guest, connectAs, deleteRedisKeys, metric } from "./harness.mjs";
import { RIGHT_C, WRONG_PYTHON } from "./solutions.mjs";

let stack;
before(async () => {
  stack = await startStack({ battleInstances: 2, countdownMs: 300 });
});
after(async () => {
  await stack?.stop();
});


test("a battle continues after Redis loses all of its data", async () => {
  const alice = await connectAs(stack.battles[0], await guest(stack.battle, "alice"));
  const bob = await connectAs(stack.battles[1], await guest(stack.battle, "bob"));
  try {
    const challenge = await alice.request("challenge:create", {});
    const accepted = await bob.request("challenge:accept", { code: challenge.data.code });
    assert.equal(accepted.ok, true, JSON.stringify(accepted));
    const battleId = accepted.data.battle_id;
    for (const player of [alice, bob]) await player.waitFor((e) => e.type === "battle.started");

    const wrong = await bob.request("battle:submit", { battle_id: battleId, language: "python", source: WRONG_PYTHON });
    assert.equal(wrong.ok, true, JSON.stringify(wrong));
    await alice.waitFor((e) => e.type === "submission.judged" && e.data.verdict === "WA");

    const before = await alice.request("battle:state", { battle_id: battleId });
    assert.equal(before.ok, true, JSON.stringify(before));
    assert.equal(before.data.status, "running");
    const bobBefore = before.data.players.find((p) => p.id === bob.userId);
    assert.deepEqual(bobBefore.verdicts, ["WA"]);
    assert.equal(bobBefore.pending, 0);

    const rebuiltBefore = await metric(stack.battles[1], "battle_snapshot_reads_total", 'source="log"');
    const lost = deleteRedisKeys(stack.redisPrefix);
    assert.ok(lost >= 2, `the snapshot and the submissions stream were there (${lost} keys)`);

    // The state is rebuilt from the log, identical, on the other instance.
    const after = await bob.request("battle:state", { battle_id: battleId });
    assert.equal(after.ok, true, JSON.stringify(after));
    assert.deepEqual(after.data, before.data);
    assert.equal(await metric(stack.battles[1], "battle_snapshot_reads_total", 'source="log"'), rebuiltBefore + 1);

    // Chat crosses instances as before.
    const heard = new Promise((resolve) => bob.socket.once("chat:message", resolve));
    const sent = await alice.request("chat:send", { battle_id: battleId, text: "still here?" });
    assert.equal(sent.ok, true, JSON.stringify(sent));
    assert.equal((await heard).text, "still here?");

    // A submission goes through a stream and consumer group that no longer exist.
    const right = await alice.request("battle:submit", { battle_id: battleId, language: "c", source: RIGHT_C });
    assert.equal(right.ok, true, JSON.stringify(right));
    for (const player of [alice, bob]) {
      const judged = await player.waitFor(
        (e) => e.type === "submission.judged" && e.data.submission_id === right.data.submission_id,
      );
      assert.equal(judged.data.verdict, "AC");
      const finished = await player.waitFor((e) => e.type === "battle.finished");
      assert.equal(finished.data.winner_id, alice.userId);
    }

    const final = await bob.request("battle:state", { battle_id: battleId });
    assert.equal(final.data.status, "finished");
    assert.equal(final.data.winner_id, alice.userId);
    assert.equal(final.data.outcome, "accepted");
    assert.deepEqual(final.data.players.find((p) => p.id === alice.userId).verdicts, ["AC"]);

    // The log has every event once, in order, and the snapshot reached its end.
    const resumed = await alice.request("battle:resume", { battle_id: battleId, last_seq: 0 });
    const seqs = resumed.data.events.map((e) => e.seq);
    assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => i + 1));
    assert.equal(final.data.last_seq, seqs.length);
    assert.equal(resumed.data.events.filter((e) => e.type === "battle.finished").length, 1);
  } finally {
    alice.socket.close();
    bob.socket.close();
  }
});
