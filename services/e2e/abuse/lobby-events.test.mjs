// Abuse of the lobby's socket events against a real battle service with its production limits:
// `lobby:presence`, `leaderboard:subscribe` and `leaderboard:unsubscribe` answer a payload of
// the wrong shape, one over the size limit and a flood past the player's allowance with typed
// errors, a refused subscribe leaves the socket out of the live leaderboard, and nobody reaches
// them without a session token.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import { startStack, guest, connectAs, metric, tally, assertRetryHints } from "../harness.mjs";

const EVENTS = ["lobby:presence", "leaderboard:subscribe", "leaderboard:unsubscribe"];

let stack;
before(async () => {
  stack = await startStack({ judge: false, limits: "production", countdownMs: 300 });
});
after(() => stack?.stop());

test("payloads of the wrong shape are refused INVALID_PAYLOAD by every lobby event", async () => {
  const ada = await connectAs(stack.battle, await guest(stack.battle, "ada"));
  try {
    const shapes = [[1, 2], "all", 42, null, { extra: true }];
    for (const event of EVENTS) {
      for (const payload of shapes) {
        const ack = await ada.request(event, payload);
        assert.equal(ack.ok, false, `${event} ${JSON.stringify(payload)}: ${JSON.stringify(ack)}`);
        assert.equal(ack.error.code, "INVALID_PAYLOAD", `${event} ${JSON.stringify(payload)}`);
        assert.equal(typeof ack.error.message, "string");
      }
    }
    // No payload at all is a shape error too, not a silent success.
    const bare = await ada.socket.timeout(30_000).emitWithAck("leaderboard:subscribe");
    assert.equal(bare.error?.code, "INVALID_PAYLOAD", JSON.stringify(bare));
    for (const limit of [0, 201, -1, 1.5, "10", 2 ** 40]) {
      const ack = await ada.request("lobby:presence", { limit });
      assert.equal(ack.error?.code, "INVALID_PAYLOAD", `limit ${limit}: ${JSON.stringify(ack)}`);
    }
    // The well-formed requests work.
    const presence = await ada.request("lobby:presence", { limit: 200 });
    assert.equal(presence.ok, true, JSON.stringify(presence));
    assert.ok(presence.data.players.some((p) => p.id === ada.userId));
    assert.equal((await ada.request("leaderboard:subscribe", {})).ok, true);
    assert.equal((await ada.request("leaderboard:unsubscribe", {})).ok, true);
  } finally {
    ada.socket.close();
  }
});

test("a payload over JOUST_MAX_EVENT_BYTES is refused and the connection stays usable", async () => {
  const bo = await connectAs(stack.battle, await guest(stack.battle, "bo"));
  try {
    const big = "x".repeat(100 * 1024);
    for (const event of EVENTS) {
      const ack = await bo.request(event, { pad: big });
      assert.equal(ack.error?.code, "INVALID_PAYLOAD", `${event}: ${JSON.stringify(ack).slice(0, 200)}`);
      assert.match(ack.error.message, /larger than 81920 bytes/);
    }
    assert.equal((await bo.request("lobby:presence", {})).ok, true);
  } finally {
    bo.socket.close();
  }
});

test("no session token, no lobby: the handshake is refused before any event", async () => {
  for (const auth of [{ protocol: 1 }, { token: "not-a-token", protocol: 1 }]) {
    const socket = io(stack.battle, { auth, reconnection: false, forceNew: true });
    const outcome = await new Promise((resolve) => {
      socket.once("connect", () => resolve("connected"));
      socket.once("connect_error", (e) => resolve(e.message));
    });
    socket.close();
    assert.notEqual(outcome, "connected", JSON.stringify(auth));
  }
  // Over HTTP the presence list needs a token too; the leaderboard is public.
  assert.equal((await fetch(`${stack.battle}/api/presence`)).status, 401);
  assert.equal((await fetch(`${stack.battle}/api/leaderboard`)).status, 200);
});

test("floods past the player's allowance are RATE_LIMITED with a retry hint", async () => {
  // [event, class, burst, refill per second] (JOUST_RATE_READ 10:50, JOUST_RATE_CONTROL 5:20).
  for (const [event, limitClass, burst, perSecond] of [
    ["lobby:presence", "read", 50, 10],
    ["leaderboard:subscribe", "read", 50, 10],
    ["leaderboard:unsubscribe", "control", 20, 5],
  ]) {
    // A player of its own per event: presence and subscribe share the read allowance.
    const flooder = await connectAs(stack.battle, await guest(stack.battle, `flood-${event.split(":")[1]}`));
    try {
      const series = `class="${limitClass}",limit="user_rate"`;
      const before = await metric(stack.battle, "socket_events_limited_total", series);
      // Fifteen at a time: under the connection's in-flight cap and, at 120 events, its own
      // rate, so every refusal is the player's allowance.
      const acks = [];
      const started = Date.now();
      for (let i = 0; i < 8; i++) {
        acks.push(...(await Promise.all(Array.from({ length: 15 }, () => flooder.request(event, {})))));
      }
      const codes = tally(acks);
      assert.deepEqual(Object.keys(codes).sort(), ["OK", "RATE_LIMITED"], `${event}: ${JSON.stringify(codes)}`);
      // The burst, plus what the allowance refilled while the flood ran.
      const refilled = Math.ceil((perSecond * (Date.now() - started)) / 1000);
      assert.ok(codes.OK >= burst && codes.OK <= burst + refilled, `${event}: ${JSON.stringify(codes)}`);
      assertRetryHints(acks);
      const after = await metric(stack.battle, "socket_events_limited_total", series);
      assert.equal(after - before, codes.RATE_LIMITED, event);
    } finally {
      flooder.socket.close();
    }
  }
});

test("a refused subscribe does not join the live leaderboard", async () => {
  const dee = await connectAs(stack.battle, await guest(stack.battle, "dee"));
  try {
    // Spend the read allowance on presence requests, then try to subscribe.
    const spent = [];
    for (let i = 0; i < 5; i++) {
      spent.push(...(await Promise.all(Array.from({ length: 15 }, () => dee.request("lobby:presence", {})))));
    }
    assert.ok(spent.some((a) => !a.ok && a.error.code === "RATE_LIMITED"));
    const refused = await dee.request("leaderboard:subscribe", {});
    assert.equal(refused.error?.code, "RATE_LIMITED", JSON.stringify(refused));
    // Another guest's battle changes the top 100; dee, refused, hears nothing of it.
    let pushes = 0;
    dee.socket.on("leaderboard:top", () => pushes++);
    const eve = await connectAs(stack.battle, await guest(stack.battle, "eve"));
    const fay = await connectAs(stack.battle, await guest(stack.battle, "fay"));
    const watcher = await connectAs(stack.battle, await guest(stack.battle, "gus"));
    let watched = 0;
    watcher.socket.on("leaderboard:top", () => watched++);
    try {
      assert.equal((await watcher.request("leaderboard:subscribe", {})).ok, true);
      const { code } = (await eve.request("challenge:create", {})).data;
      const battleId = (await fay.request("challenge:accept", { code })).data.battle_id;
      assert.equal((await eve.request("battle:resign", { battle_id: battleId })).ok, true);
      const deadline = Date.now() + 10_000;
      while (watched === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.equal(watched, 1, "the subscribed watcher hears of the change");
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(pushes, 0, "the refused socket does not");
    } finally {
      for (const p of [eve, fay, watcher]) p.socket.close();
    }
  } finally {
    dee.socket.close();
  }
});
