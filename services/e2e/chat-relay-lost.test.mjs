// A chat line is acknowledged only if an instance was subscribed to relay it. When Redis has
// just lost its subscribers (a restart; here every pub/sub connection is killed, on a Redis of
// the test's own), a line sent before the relays are back is refused with `BUSY` and a retry
// hint, its number is given back, and the line sent again reaches the opponent.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { startStack, connectPlayer, metric, until } from "./harness.mjs";
import { privateRedis } from "./drills/stores.mjs";

let redis;
let stack;
before(async () => {
  redis = await privateRedis();
  process.env.JOUST_TEST_REDIS_URL = redis.url;
  stack = await startStack({ judge: false });
});
after(async () => {
  await stack?.stop();
  await redis?.stop();
});

test("a chat line no instance can relay is refused BUSY, not acknowledged and lost", async () => {
  const alice = await connectPlayer(stack.battle, "alice");
  const bob = await connectPlayer(stack.battle, "bob");
  try {
    const challenge = await alice.request("challenge:create", {});
    const accepted = await bob.request("challenge:accept", { code: challenge.data.code });
    assert.equal(accepted.ok, true, JSON.stringify(accepted));
    const battleId = accepted.data.battle_id;
    await bob.waitFor((e) => e.type === "battle.started");

    const heard = [];
    bob.socket.on("chat:message", (m) => heard.push(m));
    const port = new URL(redis.url).port;
    execFileSync("redis-cli", ["-p", port, "CLIENT", "KILL", "TYPE", "pubsub"]);
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
