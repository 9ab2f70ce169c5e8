// A player whose connection stops reading (a stalled phone, a saturated link) while the opponent
// floods chat and progress: its instance drops progress first, then the oldest chat, keeps chat
// in order, never drops a battle event, and the player gets the verdicts and the result once its
// connection drains. The fast player, on the other instance, loses nothing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startStack, guest, connectAs, metric, until } from "./harness.mjs";
import { RIGHT_C } from "./solutions.mjs";

const OUTBOX = 32;
let stack;
before(async () => {
  stack = await startStack({
    battleInstances: 2,
    countdownMs: 300,
    battleEnv: { JOUST_OUTBOX_CAPACITY: String(OUTBOX) },
  });
});
after(async () => {
  await stack?.stop();
});


/** The TCP socket under a client's websocket transport, once the upgrade is done. */
async function rawSocket(player) {
  await until(() => player.socket.io.engine?.transport?.name === "websocket", "the websocket upgrade");
  const raw = player.socket.io.engine.transport.ws?._socket;
  assert.ok(raw, "the websocket transport exposes its TCP socket");
  return raw;
}

const dropped = (url, priority) => metric(url, "events_dropped_total", `priority="${priority}"`);

test("a connection that stops reading loses progress and old chat, never battle events", async () => {
  const alice = await connectAs(stack.battles[0], await guest(stack.battle, "alice"));
  const bob = await connectAs(stack.battles[1], await guest(stack.battle, "bob"));
  try {
    const challenge = await alice.request("challenge:create", {});
    const accepted = await bob.request("challenge:accept", { code: challenge.data.code });
    const battleId = accepted.data.battle_id;
    for (const player of [alice, bob]) await player.waitFor((e) => e.type === "battle.started");

    const chats = { alice: [], bob: [] };
    alice.socket.on("chat:message", (m) => chats.alice.push(Number(m.text.split(" ")[0])));
    bob.socket.on("chat:message", (m) => chats.bob.push(Number(m.text.split(" ")[0])));
    let bobProgress = 0;
    bob.socket.on("battle:progress", () => bobProgress++);

    // Bob's client stops reading: the kernel buffers fill, then socketioxide's, then his outbox.
    const bobTcp = await rawSocket(bob);
    bobTcp.pause();

    // Alice floods until bob's instance has had to drop chat (each line is about 2 KB), in bursts
    // smaller than an outbox, which a connection that reads absorbs.
    const filler = "\u{1F600}".repeat(480);
    let sent = 0;
    let progressSent = 0;
    while ((await dropped(stack.battles[1], "normal")) === 0) {
      assert.ok(sent < 20_000, "20 000 chat lines were not enough to fill a stalled connection");
      const batch = [];
      for (let i = 0; i < 20; i++) {
        batch.push(alice.request("chat:send", { battle_id: battleId, text: `${sent++} ${filler}` }));
        if (i % 4 === 0) {
          progressSent++;
          batch.push(alice.request("battle:progress", { battle_id: battleId, typing: true }));
        }
      }
      const acks = await Promise.all(batch);
      assert.ok(acks.every((a) => a.ok), JSON.stringify(acks.find((a) => !a.ok)));
    }
    assert.ok((await dropped(stack.battles[1], "best_effort")) > 0, "progress is dropped before chat");

    // Battle events during the stall: alice's accepted answer ends the battle.
    const right = await alice.request("battle:submit", { battle_id: battleId, language: "c", source: RIGHT_C });
    assert.equal(right.ok, true, JSON.stringify(right));
    await alice.waitFor((e) => e.type === "battle.finished");
    assert.equal(bob.events.some((e) => e.type === "battle.finished"), false, "bob is still stalled");

    bobTcp.resume();
    const finished = await bob.waitFor((e) => e.type === "battle.finished");
    assert.equal(finished.data.winner_id, alice.userId);
    assert.equal(bob.socket.connected, true, "a slow client is slowed down, not disconnected");

    // Every battle event reached bob, in order, with no gap.
    const seqs = bob.events.map((e) => e.seq);
    assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => i + 1));
    for (const url of stack.battles) assert.equal(await dropped(url, "critical"), 0, url);

    // Bob's chat is in order, lost its oldest lines, and kept the newest.
    await until(() => chats.alice.length === sent, `alice's own chat lines (${chats.alice.length} of ${sent})`);
    // Lines sent concurrently are published in the order the server handled them; that order is
    // the one every reader sees.
    const published = chats.alice;
    assert.deepEqual([...published].sort((a, b) => a - b), Array.from({ length: sent }, (_, i) => i), "the fast player lost nothing");
    assert.ok(chats.bob.length < sent, `bob got ${chats.bob.length} of ${sent} lines`);
    const position = new Map(published.map((n, i) => [n, i]));
    assert.ok(
      chats.bob.every((n, i) => i === 0 || position.get(n) > position.get(chats.bob[i - 1])),
      "chat keeps its order",
    );
    assert.equal(chats.bob.at(-1), published.at(-1), "the newest line survives");
    assert.ok(bobProgress < progressSent, `bob got ${bobProgress} of ${progressSent} progress events`);
    assert.equal(await dropped(stack.battles[0], "normal"), 0, "alice's instance dropped nothing");
  } finally {
    alice.socket.close();
    bob.socket.close();
  }
});
