// Matchmaking across instances: two players connected to two different battle instances join
// the same language queue and are paired with each other through Redis.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startStack, guest, connectAs, metric, metricsText } from "./harness.mjs";

let stack;
before(async () => {
  stack = await startStack({ judge: false, battleInstances: 2, countdownMs: 300 });
});
after(async () => {
  await stack?.stop();
});

test("players on two instances are matched and both get the battle", async () => {
  const ada = await connectAs(stack.battles[0], await guest(stack.battles[0], "ada"));
  const bo = await connectAs(stack.battles[1], await guest(stack.battles[1], "bo"));
  try {
    const first = await ada.request("matchmaking:join", { language: "python" });
    assert.deepEqual(first, { ok: true, data: { status: "queued", rating: 1200 } });
    const again = await ada.request("matchmaking:join", { language: "python" });
    assert.equal(again.error?.code, "ALREADY_QUEUED", JSON.stringify(again));

    const second = await bo.request("matchmaking:join", { language: "python" });
    assert.equal(second.ok, true, JSON.stringify(second));
    assert.equal(second.data.status, "matched");
    const battleId = second.data.battle_id;

    for (const player of [ada, bo]) {
      const created = await player.waitFor((e) => e.type === "battle.created");
      assert.equal(created.battle_id, battleId);
      assert.deepEqual(created.data.players.map((p) => p.id).sort(), [ada.userId, bo.userId].sort());
      const started = await player.waitFor((e) => e.type === "battle.started");
      assert.equal(started.battle_id, battleId);
    }

    const busy = await ada.request("matchmaking:join", { language: "python" });
    assert.equal(busy.error?.code, "ALREADY_IN_BATTLE", JSON.stringify(busy));
    const notQueued = await bo.request("matchmaking:leave", {});
    assert.equal(notQueued.error?.code, "NOT_QUEUED", JSON.stringify(notQueued));
  } finally {
    ada.socket.close();
    bo.socket.close();
  }
});

test("a player who leaves the queue is not matched", async () => {
  const cy = await connectAs(stack.battles[0], await guest(stack.battles[0], "cy"));
  const dee = await connectAs(stack.battles[1], await guest(stack.battles[1], "dee"));
  try {
    assert.equal((await cy.request("matchmaking:join", { language: "rust" })).data.status, "queued");
    assert.deepEqual(await cy.request("matchmaking:leave", {}), { ok: true, data: {} });
    const joined = await dee.request("matchmaking:join", { language: "rust" });
    assert.equal(joined.data.status, "queued", JSON.stringify(joined));
    assert.deepEqual(await dee.request("matchmaking:leave", {}), { ok: true, data: {} });
  } finally {
    cy.socket.close();
    dee.socket.close();
  }
});

test("delivery metrics: room sizes, no dropped battle events, a timed pub/sub round trip", async () => {
  // The instance pings its own events channel from the start; wait for the first round trip.
  for (;;) {
    if ((await metric(stack.battles[1], "redis_pubsub_roundtrip_seconds_count")) >= 1) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  // The first test delivered its battle events to both players' rooms on each instance.
  for (const url of stack.battles) {
    assert.ok((await metric(url, "room_size_count")) >= 1, url);
    const text = await metricsText(url);
    assert.match(text, /^events_dropped_total\{priority="critical"\} 0$/m);
  }
});
