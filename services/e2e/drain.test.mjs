// Backpressure at the front door and a graceful drain, against real battle instances: a
// handshake burst beyond the bucket is refused with a retry hint, and SIGTERM turns readiness
// off, refuses new handshakes and tells each client to reconnect within the drain window,
// which they do on the other instance while their seat is kept.
import { test } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import { startStack, guest, connectAs, metricsText } from "./harness.mjs";

const DRAIN_WINDOW_MS = 1500;

/** Resolves with the `connect_error` message, or "connected". */
function handshake(url, auth) {
  const socket = io(url, { auth, reconnection: false, forceNew: true });
  return new Promise((resolve) => {
    socket.once("connect", () => resolve({ socket, result: "connected" }));
    socket.once("connect_error", (e) => resolve({ socket, result: e.message }));
  });
}

test("a burst of handshakes beyond the bucket is refused with a retry hint", async () => {
  const stack = await startStack({
    judge: false,
    battleEnv: { JOUST_HANDSHAKE_RATE: "1", JOUST_HANDSHAKE_BURST: "3" },
  });
  const sockets = [];
  try {
    const player = await guest(stack.battle, "burst");
    const auth = { token: player.token, protocol: 1 };
    const attempts = await Promise.all(Array.from({ length: 6 }, () => handshake(stack.battle, auth)));
    sockets.push(...attempts.map((a) => a.socket));
    const results = attempts.map((a) => a.result);
    assert.equal(results.filter((r) => r === "connected").length, 3, results.join(" | "));
    const refused = results.filter((r) => r !== "connected");
    assert.equal(refused.length, 3);
    for (const message of refused) {
      const match = message.match(/^RATE_LIMITED: too many connections; retry in (\d+) ms$/);
      assert.ok(match, message);
      assert.ok(Number(match[1]) >= 1 && Number(match[1]) <= 3000, message);
    }
    const metrics = await metricsText(stack.battle);
    assert.match(metrics, /handshakes_rejected_total\{reason="rate_limited"\} 3/);
    // After the hint's wait a token is free again.
    await new Promise((r) => setTimeout(r, 1100));
    const later = await handshake(stack.battle, auth);
    sockets.push(later.socket);
    assert.equal(later.result, "connected");
  } finally {
    for (const s of sockets) s.close();
    await stack.stop();
  }
});

test("SIGTERM drains: readiness off, new handshakes refused, clients moved within the window", async () => {
  const stack = await startStack({
    judge: false,
    battleInstances: 2,
    countdownMs: 200,
    battleEnv: { JOUST_DRAIN_WINDOW_MS: String(DRAIN_WINDOW_MS), JOUST_RECONNECT_GRACE_MS: "30000" },
  });
  const [leaving, staying] = stack.battles;
  let alice, bob, moved;
  try {
    const a = await guest(leaving, "alice");
    alice = await connectAs(leaving, a);
    bob = await connectAs(staying, await guest(staying, "bob"));
    const challenge = await alice.request("challenge:create", {});
    const accepted = await bob.request("challenge:accept", { code: challenge.data.code });
    const battleId = accepted.data.battle_id;
    await alice.waitFor((e) => e.type === "battle.started");

    const told = new Promise((resolve) => alice.socket.once("server:draining", resolve));
    const sentAt = Date.now();
    stack.battleProcesses[0].kill("SIGTERM");
    const { reconnect_after_ms: delay } = await told;
    assert.ok(Number.isInteger(delay) && delay >= 0 && delay < DRAIN_WINDOW_MS, String(delay));

    // The public readiness says only no; the operations listener says why.
    const ready = await fetch(`${leaving}/readyz`);
    assert.equal(ready.status, 503);
    assert.equal(await ready.text(), "not ready");
    const detailed = await fetch(`${stack.ops[0]}/readyz`);
    assert.equal(detailed.status, 503);
    assert.equal(await detailed.text(), "not ready: draining");
    assert.equal((await fetch(`${staying}/readyz`)).status, 200);
    const refused = await handshake(leaving, { token: a.token, protocol: 1 });
    refused.socket.close();
    assert.match(refused.result, /^DRAINING/);

    // The client does what it is told: waits, then reconnects to the other instance.
    await new Promise((r) => setTimeout(r, delay));
    alice.socket.close();
    moved = await connectAs(staying, a);
    const resumed = await moved.request("battle:resume", { battle_id: battleId, last_seq: 0 });
    assert.equal(resumed.ok, true);
    assert.equal(resumed.data.events[0].type, "battle.created");

    // The instance stops once the window is over.
    const code = await new Promise((resolve) => {
      const child = stack.battleProcesses[0];
      if (child.exitCode !== null) resolve(child.exitCode);
      else child.once("exit", (c) => resolve(c));
    });
    assert.equal(code, 0);
    assert.ok(Date.now() - sentAt >= DRAIN_WINDOW_MS - 100, "not before the window ended");
  } finally {
    for (const p of [alice, bob, moved]) p?.socket.close();
    await stack.stop();
  }
});
