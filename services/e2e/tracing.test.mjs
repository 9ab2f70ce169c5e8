// One battle can be followed through the JSON logs of all three services: the battle service's
// socket-event span, the judge's judging span and the executor's execution span each carry
// `battle_id`, `user_id` and `submission_id`.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startStack, connectPlayer, until } from "./harness.mjs";
import { RIGHT_C } from "./solutions.mjs";

let stack;
before(async () => {
  stack = await startStack({ captureLogs: true });
});
after(async () => {
  await stack?.stop();
});

/** Every field of a JSON log line: the event's own and those of the spans it ran in. */
function fields(line) {
  let parsed;
  try {
    parsed = JSON.parse(line);
  } catch {
    return null;
  }
  return Object.assign({}, ...(parsed.spans ?? []), parsed.span ?? {}, parsed);
}

/** The first log line of `service` whose fields name this submission, battle and player. */
function lineFor(service, ids) {
  return (stack.logs[service] ?? [])
    .map(fields)
    .find(
      (f) =>
        f && f.submission_id === ids.submission_id && f.battle_id === ids.battle_id && f.user_id === ids.user_id,
    );
}

test("a submission's battle, player and submission ids are on its log lines in every service", async () => {
  const alice = await connectPlayer(stack.battle, "alice");
  const bob = await connectPlayer(stack.battle, "bob");
  try {
    const { data: challenge } = await alice.request("challenge:create", {});
    const accepted = await bob.request("challenge:accept", { code: challenge.code });
    const battleId = accepted.data.battle_id;
    await bob.waitFor((e) => e.type === "battle.started");
    const submitted = await bob.request("battle:submit", { battle_id: battleId, language: "c", source: RIGHT_C });
    assert.equal(submitted.ok, true, JSON.stringify(submitted));
    await bob.waitFor((e) => e.type === "battle.finished");

    const ids = { battle_id: battleId, user_id: bob.userId, submission_id: submitted.data.submission_id };
    for (const service of ["battle", "judge", "executor"]) {
      await until(() => lineFor(service, ids) !== undefined, `a ${service} log line with the ids`, 10_000);
      const line = lineFor(service, ids);
      assert.ok(line.message, `${service}: ${JSON.stringify(line)}`);
    }
    // Nothing a player submitted is logged.
    for (const service of ["battle", "judge", "executor"]) {
      assert.ok(!stack.logs[service].some((l) => l.includes("scanf")), `${service} logged the source`);
    }
  } finally {
    alice.socket.close();
    bob.socket.close();
  }
});
