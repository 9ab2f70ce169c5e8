// Spectators, chat and progress across two real battle instances: a spectator on one instance
// follows a battle whose players are on both, chat reaches players and spectators in order,
// progress reaches everyone but its sender, and none of it enters the battle's log.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startStack, guest, connectAs, until } from "./harness.mjs";

let stack;
before(async () => {
  stack = await startStack({ judge: false, battleInstances: 2, countdownMs: 300 });
});
after(async () => {
  await stack?.stop();
});

/** Collects every `event` a player's socket receives. */
function collect(player, event) {
  const got = [];
  player.socket.on(event, (data) => got.push(data));
  return got;
}

test("spectators follow a battle; chat and progress are live only", async () => {
  const alice = await connectAs(stack.battles[0], await guest(stack.battle, "alice"));
  const bob = await connectAs(stack.battles[1], await guest(stack.battle, "bob"));
  const eve = await connectAs(stack.battles[1], await guest(stack.battle, "eve"));
  try {
    const challenge = await alice.request("challenge:create", {});
    const accepted = await bob.request("challenge:accept", { code: challenge.data.code });
    const battleId = accepted.data.battle_id;

    const watching = await eve.request("battle:spectate", { battle_id: battleId });
    assert.equal(watching.ok, true, JSON.stringify(watching));
    assert.equal(watching.data.events[0].type, "battle.created");
    await eve.waitFor((e) => e.type === "battle.started" && e.battle_id === battleId);
    const missing = await eve.request("battle:spectate", { battle_id: "00000000-0000-4000-8000-000000000000" });
    assert.equal(missing.error.code, "BATTLE_NOT_FOUND");

    const chats = { alice: collect(alice, "chat:message"), bob: collect(bob, "chat:message"), eve: collect(eve, "chat:message") };
    const progress = { alice: collect(alice, "battle:progress"), bob: collect(bob, "battle:progress"), eve: collect(eve, "battle:progress") };

    assert.equal((await eve.request("chat:send", { battle_id: battleId, text: "hello" })).error.code, "NOT_A_PARTICIPANT");
    assert.equal((await alice.request("chat:send", { battle_id: battleId, text: "  " })).error.code, "INVALID_PAYLOAD");
    assert.equal((await alice.request("chat:send", { battle_id: battleId, text: "x".repeat(501) })).error.code, "INVALID_PAYLOAD");
    const lines = ["gl", "hf", "you first", "ok", "go"];
    const acks = await Promise.all(lines.map((text) => alice.request("chat:send", { battle_id: battleId, text })));
    assert.ok(acks.every((a) => a.ok), JSON.stringify(acks));
    for (const got of Object.values(chats)) {
      await until(() => got.length === lines.length);
      assert.deepEqual(got.map((m) => m.text).sort(), [...lines].sort());
      assert.ok(got.every((m) => m.user_id === alice.userId && m.name === "alice" && m.battle_id === battleId));
    }
    // One sender's lines arrive in the same order everywhere.
    assert.deepEqual(chats.bob.map((m) => m.text), chats.alice.map((m) => m.text));
    assert.deepEqual(chats.eve.map((m) => m.text), chats.alice.map((m) => m.text));

    assert.equal((await bob.request("battle:progress", { battle_id: battleId })).error.code, "INVALID_PAYLOAD");
    assert.equal(
      (await bob.request("battle:progress", { battle_id: battleId, passed_tests: 3, total_tests: 1 })).error.code,
      "INVALID_PAYLOAD",
    );
    assert.equal((await eve.request("battle:progress", { battle_id: battleId, typing: true })).error.code, "NOT_A_PARTICIPANT");
    const sent = await bob.request("battle:progress", { battle_id: battleId, typing: true, passed_tests: 1, total_tests: 1 });
    assert.equal(sent.ok, true, JSON.stringify(sent));
    await until(() => progress.alice.length === 1 && progress.eve.length === 1);
    assert.deepEqual(progress.alice[0], {
      battle_id: battleId,
      user_id: bob.userId,
      typing: true,
      passed_tests: 1,
      total_tests: 1,
    });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(progress.bob.length, 0, "the sender does not get its own progress");

    // The spectator sees the end; nothing live was logged.
    await alice.request("battle:resign", { battle_id: battleId });
    const finished = await eve.waitFor((e) => e.type === "battle.finished");
    assert.equal(finished.data.winner_id, bob.userId);
    const log = await bob.request("battle:resume", { battle_id: battleId, last_seq: 0 });
    assert.deepEqual(
      log.data.events.map((e) => e.type),
      ["battle.created", "battle.started", "battle.finished"],
    );
    assert.equal((await alice.request("chat:send", { battle_id: battleId, text: "gg" })).error.code, "BATTLE_FINISHED");
  } finally {
    for (const p of [alice, bob, eve]) p.socket.close();
  }
});
