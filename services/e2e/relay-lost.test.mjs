// What players get while no instance is subscribed to relay (Redis has just restarted; here
// every pub/sub connection is killed, on a Redis of the test's own, and the relays subscribe
// again half a second later). A chat line is acknowledged only if an instance was subscribed to
// relay it: one sent before the relays are back is refused with `BUSY` and a retry hint, its
// number is given back, and the line sent again reaches the opponent. A battle event committed
// meanwhile is published again until a relay hears it, so a connected opponent gets it live.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { startStack, connectPlayer, metric, until } from "./harness.mjs";
import { WRONG_PYTHON } from "./solutions.mjs";
import { privateRedis } from "./drills/stores.mjs";

let redis;
let stack;
before(async () => {
  redis = await privateRedis();
  process.env.JOUST_TEST_REDIS_URL = redis.url;
  stack = await startStack();
});
after(async () => {
  await stack?.stop();
  await redis?.stop();
});

/** Two connected players in a started battle: `{ alice, bob, battleId }`. */
async function startedBattle(names) {
  const alice = await connectPlayer(stack.battle, names[0]);
  const bob = await connectPlayer(stack.battle, names[1]);
  const challenge = await alice.request("challenge:create", {});
  const accepted = await bob.request("challenge:accept", { code: challenge.data.code });
  assert.equal(accepted.ok, true, JSON.stringify(accepted));
  for (const player of [alice, bob]) await player.waitFor((e) => e.type === "battle.started");
  return { alice, bob, battleId: accepted.data.battle_id };
}

/** Ends every pub/sub subscription, the relays' included. */
const dropSubscribers = () => execFileSync("redis-cli", ["-p", new URL(redis.url).port, "CLIENT", "KILL", "TYPE", "pubsub"]);

test("a chat line no instance can relay is refused BUSY, not acknowledged and lost", async () => {
  const { alice, bob, battleId } = await startedBattle(["alice", "bob"]);
  try {
    const heard = [];
    bob.socket.on("chat:message", (m) => heard.push(m));
    dropSubscribers();
    // The relay resubscribes half a second after its subscription ends: this line finds none.
    const refused = await alice.request("chat:send", { battle_id: battleId, text: "anyone?" });
    assert.equal(refused.ok, false, JSON.stringify(refused));
    assert.equal(refused.error.code, "BUSY");
    assert.equal(refused.error.retry_after_ms, 500);
    assert.equal(await metric(stack.battle, "chat_lines_unrelayed_total"), 1);

    let sent;
    await until(async () => {
      sent = await alice.request("chat:send", { battle_id: battleId, text: "anyone?" });
      if (!sent.ok) await new Promise((r) => setTimeout(r, sent.error.retry_after_ms));
      return sent.ok;
    }, "a relay subscribed again", 10_000);
    // The refused line's number was given back: the acknowledged one is the battle's first.
    assert.equal(sent.data.seq, 1);
    await until(() => heard.length === 1, "bob hears the line", 5_000);
    assert.equal(heard[0].text, "anyone?");
    assert.equal(heard[0].seq, 1);
  } finally {
    alice.socket.close();
    bob.socket.close();
  }
});

test("a battle event committed while no relay is subscribed still reaches a connected player live", async () => {
  const { alice, bob, battleId } = await startedBattle(["carol", "dave"]);
  try {
    dropSubscribers();
    const submitted = await bob.request("battle:submit", { battle_id: battleId, language: "python", source: WRONG_PYTHON });
    assert.equal(submitted.ok, true, JSON.stringify(submitted));
    // No resume: the event comes through the relay once it has subscribed again.
    const received = await alice.waitFor(
      (e) => e.type === "submission.received" && e.data.submission_id === submitted.data.submission_id,
      10_000,
    );
    assert.equal(received.data.user_id, bob.userId);
  } finally {
    alice.socket.close();
    bob.socket.close();
  }
});
