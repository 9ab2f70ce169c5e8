// Starving other players with host work the sandbox did not meter: Python programs that draw
// random bytes in a loop once ran for about 18 s of wall time per test on 8 ms of fuel, the judge
// took its timeouts for an executor outage, and another battle's correct submission waited
// minutes. Host work now costs fuel, so such a program ends as TLE near its time limit, and the
// honest player's verdict is not held up.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startStack, connectPlayer, metricsText } from "../harness.mjs";
import { RIGHT_PYTHON } from "../solutions.mjs";

const RANDOM_LOOP = "import os\nwhile True:\n    os.urandom(1 << 16)\n";

let stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack?.stop();
});

/** A started battle between two new players. */
async function battle(a, b) {
  const [first, second] = [await connectPlayer(stack.battle, a), await connectPlayer(stack.battle, b)];
  const { code } = (await first.request("challenge:create", {})).data;
  const accepted = await second.request("challenge:accept", { code });
  assert.equal(accepted.ok, true, JSON.stringify(accepted));
  const battleId = accepted.data.battle_id;
  await first.waitFor((e) => e.type === "battle.started" && e.battle_id === battleId);
  return { first, second, battleId };
}

async function submit(player, battleId, source) {
  const submitted = await player.request("battle:submit", { battle_id: battleId, language: "python", source });
  assert.equal(submitted.ok, true, JSON.stringify(submitted));
  return submitted.data.submission_id;
}

const verdictOf = (player, submissionId) =>
  player.waitFor((e) => e.type === "submission.judged" && e.data.submission_id === submissionId, 120_000);

test("random-byte loops end as TLE and do not hold up another battle's verdict", async () => {
  const attacks = [await battle("mallory", "victim"), await battle("trudy", "target")];
  const honest = await battle("carol", "dave");
  const players = [...attacks, honest].flatMap((b) => [b.first, b.second]);
  try {
    const hostile = [];
    for (const { first, battleId } of attacks) {
      for (let i = 0; i < 2; i++) hostile.push({ player: first, id: await submit(first, battleId, RANDOM_LOOP) });
    }
    const submittedAt = Date.now();
    const correct = await submit(honest.first, honest.battleId, RIGHT_PYTHON);
    const verdict = await verdictOf(honest.first, correct);
    const waited = Date.now() - submittedAt;
    assert.equal(verdict.data.verdict, "AC");
    // Before, both run slots were held for the hostile runs' wall-clock backstop at least (32 s
    // for this problem's 2 s limit), then by the judge's retries. Now they end near the limit.
    assert.ok(waited < 15_000, `the honest verdict took ${waited} ms`);

    for (const { player, id } of hostile) {
      const judged = await verdictOf(player, id);
      assert.equal(judged.data.verdict, "TLE", JSON.stringify(judged));
    }
    const judgeMetrics = await metricsText(stack.judge);
    assert.doesNotMatch(judgeMetrics, /circuit_breaker_transitions_total\{[^}]*to="open"[^}]*\} [1-9]/);
    assert.doesNotMatch(judgeMetrics, /judge_submission_timeouts_total [1-9]/);
    for (const player of players) {
      assert.equal(player.events.filter((e) => e.type === "battle.extended").length, 0, player.name);
    }
  } finally {
    for (const player of players) player.socket.close();
  }
});
