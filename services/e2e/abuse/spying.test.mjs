// Spying on an opponent's compiler output: diagnostics quote the source, so only the submitter
// gets them; the opponent and a spectator get the verdict without them, and the event log holds
// none.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startStack, connectPlayer, psql } from "../harness.mjs";

const BROKEN_C = "int main(void) { int secret_plan_variable = ; return 0; }\n";

let stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack?.stop();
});

/** Collects `submission:compile_output` messages on a connected player. */
function collectOutputs(player) {
  const outputs = [];
  player.socket.on("submission:compile_output", (message) => outputs.push(message));
  return outputs;
}

test("compiler output reaches the submitter only", async () => {
  const alice = await connectPlayer(stack.battle, "alice");
  const bob = await connectPlayer(stack.battle, "bob");
  const eve = await connectPlayer(stack.battle, "eve");
  const outputs = new Map([alice, bob, eve].map((p) => [p, collectOutputs(p)]));
  try {
    const { code } = (await alice.request("challenge:create", {})).data;
    const accepted = await bob.request("challenge:accept", { code });
    assert.equal(accepted.ok, true, JSON.stringify(accepted));
    const battleId = accepted.data.battle_id;
    await alice.waitFor((e) => e.type === "battle.started");
    const watching = await eve.request("battle:spectate", { battle_id: battleId });
    assert.equal(watching.ok, true, JSON.stringify(watching));

    const submitted = await alice.request("battle:submit", { battle_id: battleId, language: "c", source: BROKEN_C });
    assert.equal(submitted.ok, true, JSON.stringify(submitted));
    const submissionId = submitted.data.submission_id;
    for (const player of [alice, bob, eve]) {
      const verdict = await player.waitFor((e) => e.type === "submission.judged" && e.data.submission_id === submissionId);
      assert.equal(verdict.data.verdict, "CE");
      assert.equal(verdict.data.compile_output, undefined);
      assert.doesNotMatch(JSON.stringify(verdict), /secret_plan_variable/);
    }
    const mine = outputs.get(alice);
    const deadline = Date.now() + 10_000;
    while (mine.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(mine.length, 1);
    assert.equal(mine[0].battle_id, battleId);
    assert.equal(mine[0].submission_id, submissionId);
    assert.match(mine[0].output, /secret_plan_variable/);
    // Anything meant for the others would have arrived with alice's.
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(outputs.get(bob), []);
    assert.deepEqual(outputs.get(eve), []);

    const logged = psql(stack.database, `SELECT count(*) FROM battle_events WHERE battle_id = '${battleId}' AND data::text LIKE '%secret_plan_variable%'`);
    assert.equal(logged.trim(), "0");
    const stored = psql(stack.database, `SELECT compile_output FROM submissions WHERE id = '${submissionId}'`);
    assert.match(stored, /secret_plan_variable/);
  } finally {
    for (const player of [alice, bob, eve]) player.socket.close();
  }
});
