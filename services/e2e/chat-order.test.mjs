// Chat keeps its acceptance order within a battle, across instances: two players on two real
// battle instances and spectators on both send and watch interleaved bursts. Every receiver sees
// the battle's lines in strictly increasing `seq`, each sender's lines in the order it sent
// them, and the acks carry the same numbers.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startStack, guest, connectAs, until } from "./harness.mjs";

let stack;
before(async () => {
  stack = await startStack({
    judge: false,
    battleInstances: 2,
    countdownMs: 200,
    // Large enough that no line is dropped for a slow reader: this test counts them all.
    battleEnv: { JOUST_OUTBOX_CAPACITY: "10000" },
  });
});
after(async () => {
  await stack?.stop();
});

test("interleaved chat bursts from two instances arrive in one order everywhere", async () => {
  const alice = await connectAs(stack.battles[0], await guest(stack.battle, "alice"));
  const bob = await connectAs(stack.battles[1], await guest(stack.battle, "bob"));
  const eve = await connectAs(stack.battles[0], await guest(stack.battle, "eve"));
  const zed = await connectAs(stack.battles[1], await guest(stack.battle, "zed"));
  const everyone = [alice, bob, eve, zed];
  try {
    const challenge = await alice.request("challenge:create", {});
    const accepted = await bob.request("challenge:accept", { code: challenge.data.code });
    const battleId = accepted.data.battle_id;
    for (const spectator of [eve, zed]) {
      assert.equal((await spectator.request("battle:spectate", { battle_id: battleId })).ok, true);
    }
    await alice.waitFor((e) => e.type === "battle.started" && e.battle_id === battleId);

    const got = new Map(everyone.map((p) => [p.name, []]));
    for (const p of everyone) p.socket.on("chat:message", (m) => got.get(p.name).push(m));

    const perSender = 500;
    const burst = (player) =>
      Promise.all(
        Array.from({ length: perSender }, (_, i) =>
          player.request("chat:send", { battle_id: battleId, text: `${player.name} ${i}` }),
        ),
      );
    const [aliceAcks, bobAcks] = await Promise.all([burst(alice), burst(bob)]);
    for (const acks of [aliceAcks, bobAcks]) {
      assert.ok(acks.every((a) => a.ok), JSON.stringify(acks.find((a) => !a.ok)));
      // Acks carry the line's number, increasing in the order the sender sent them.
      const seqs = acks.map((a) => a.data.seq);
      assert.ok(seqs.every((s, i) => i === 0 || s > seqs[i - 1]), "acks out of send order");
    }

    for (const [name, lines] of got) {
      await until(() => lines.length === 2 * perSender, `${name}: all ${2 * perSender} lines (has ${lines.length})`);
      const seqs = lines.map((m) => m.seq);
      assert.ok(
        seqs.every((s, i) => i === 0 || s > seqs[i - 1]),
        `${name} saw seq out of order`,
      );
      for (const sender of [alice, bob]) {
        const own = lines.filter((m) => m.user_id === sender.userId).map((m) => Number(m.text.split(" ")[1]));
        assert.deepEqual(own, Array.from({ length: perSender }, (_, i) => i), `${name}: ${sender.name}'s order`);
      }
    }
    // Everyone saw the same sequence.
    const reference = got.get("alice").map((m) => `${m.seq} ${m.text}`);
    for (const lines of got.values()) assert.deepEqual(lines.map((m) => `${m.seq} ${m.text}`), reference);
  } finally {
    for (const p of everyone) p.socket.close();
  }
});
