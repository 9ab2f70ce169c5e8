// Practice runs through the real stack: a player runs the samples and a custom input over the
// socket and over HTTP, gets each result as `run.finished` on their own connection and from
// `GET /api/runs/{id}`, while the opponent sees nothing of it and the battle's log is unchanged.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startStack, connectPlayer, psql } from "./harness.mjs";
import { RIGHT_C } from "./solutions.mjs";

let stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack?.stop();
});

/** Collects `run.finished` messages on a connected player. */
function collectRuns(player) {
  const got = [];
  player.socket.on("run.finished", (message) => got.push(message));
  return got;
}

async function until(predicate, what, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = predicate();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test("a player runs the samples and a custom input; the opponent sees nothing", async () => {
  const alice = await connectPlayer(stack.battle, "alice");
  const bob = await connectPlayer(stack.battle, "bob");
  const aliceRuns = collectRuns(alice);
  const bobRuns = collectRuns(bob);
  try {
    const created = await alice.request("challenge:create", {});
    const accepted = await bob.request("challenge:accept", { code: created.data.code });
    assert.equal(accepted.ok, true, JSON.stringify(accepted));
    const battleId = accepted.data.battle_id;
    await alice.waitFor((e) => e.type === "battle.started");
    const eventsBefore = psql(stack.database, `SELECT count(*) FROM battle_events WHERE battle_id = '${battleId}'`);

    const onSamples = await alice.request("battle:run", { battle_id: battleId, language: "c", source: RIGHT_C });
    assert.equal(onSamples.ok, true, JSON.stringify(onSamples));
    const custom = await fetch(`${stack.battle}/api/battles/${battleId}/runs`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${alice.token}` },
      body: JSON.stringify({ language: "python", source: "print(sum(map(int, input().split())))", input: "20 22\n" }),
    });
    assert.equal(custom.status, 202);
    const customId = (await custom.json()).run_id;

    const samplesResult = await until(() => aliceRuns.find((r) => r.run_id === onSamples.data.run_id), "the samples run");
    assert.equal(samplesResult.verdict, "AC");
    assert.ok(samplesResult.tests.length >= 1 && samplesResult.tests.every((t) => t.sample));
    assert.equal(samplesResult.tests[0].output, "3\n");
    const customResult = await until(() => aliceRuns.find((r) => r.run_id === customId), "the custom run");
    assert.equal(customResult.verdict, null);
    assert.equal(customResult.tests[0].output, "42\n");

    // The owner reads it back; the opponent cannot, and never got it.
    const own = await fetch(`${stack.battle}/api/runs/${customId}`, { headers: { authorization: `Bearer ${alice.token}` } });
    assert.equal(own.status, 200);
    assert.equal((await own.json()).tests[0].output, "42\n");
    const spied = await fetch(`${stack.battle}/api/runs/${customId}`, { headers: { authorization: `Bearer ${bob.token}` } });
    assert.equal(spied.status, 404);
    assert.equal((await spied.json()).error.code, "RUN_NOT_FOUND");
    const bobTries = await bob.request("battle:run", { battle_id: "00000000-0000-4000-8000-00000000beef", language: "c", source: RIGHT_C });
    assert.equal(bobTries.error?.code, "BATTLE_NOT_FOUND");
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(bobRuns, []);

    // A run is not a submission and not in the battle's log.
    const eventsAfter = psql(stack.database, `SELECT count(*) FROM battle_events WHERE battle_id = '${battleId}'`);
    assert.equal(eventsAfter, eventsBefore);
    assert.equal(psql(stack.database, `SELECT count(*) FROM submissions WHERE battle_id = '${battleId}'`), "0");
    assert.ok(!bob.events.some((e) => JSON.stringify(e).includes(customId)));
  } finally {
    alice.socket.close();
    bob.socket.close();
  }
});
