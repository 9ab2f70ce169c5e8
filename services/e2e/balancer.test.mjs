// Two battle instances behind haproxy (infra/haproxy/haproxy.cfg): a websocket player and a
// long-polling player (whose every request must reach the same instance: the balancer's
// cookie) play one duel through the one URL, and an instance told to stop leaves the rotation
// through its failing /readyz while it still serves its sockets.
import { test } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import { startStack, guest, until } from "./harness.mjs";
import { startBalancer } from "./balancer.mjs";

/** Connects `player` through `url` with only `transport`; resolves once connected. */
async function connectVia(url, player, transport) {
  const socket = io(url, {
    auth: { token: player.token, protocol: 1 },
    transports: [transport],
    // Keeps haproxy's instance cookie between long-polling requests (Node has no cookie jar
    // otherwise).
    withCredentials: true,
    reconnection: false,
    forceNew: true,
  });
  const events = [];
  socket.on("battle:event", (e) => events.push(e));
  await new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  return { socket, events, request: (event, payload) => socket.timeout(30_000).emitWithAck(event, payload) };
}

const stackOptions = (env = {}) => ({
  judge: false,
  battleInstances: 2,
  countdownMs: 300,
  battleEnv: { JOUST_TRUSTED_PROXIES: "127.0.0.1", ...env },
});

test("a websocket player and a long-polling player duel through haproxy", async () => {
  const stack = await startStack(stackOptions());
  const balancer = await startBalancer(stack);
  const sockets = [];
  try {
    const alice = await connectVia(balancer.url, await guest(balancer.url, "alice"), "websocket");
    const bob = await connectVia(balancer.url, await guest(balancer.url, "bob"), "polling");
    sockets.push(alice.socket, bob.socket);
    assert.equal(alice.socket.io.engine.transport.name, "websocket");
    assert.equal(bob.socket.io.engine.transport.name, "polling");
    const challenge = await alice.request("challenge:create", {});
    assert.equal(challenge.ok, true, JSON.stringify(challenge));
    const accepted = await bob.request("challenge:accept", { code: challenge.data.code });
    assert.equal(accepted.ok, true, JSON.stringify(accepted));
    const battleId = accepted.data.battle_id;
    const started = (p) => p.events.some((e) => e.type === "battle.started" && e.battle_id === battleId);
    await until(() => started(alice) && started(bob), "both players see the battle start");
    // Many polling round trips later the session is still the same one on the same instance.
    const sid = bob.socket.io.engine.id;
    for (let i = 0; i < 5; i++) {
      const chat = await bob.request("chat:send", { battle_id: battleId, text: `hello ${i}` });
      assert.equal(chat.ok, true, JSON.stringify(chat));
    }
    assert.equal(bob.socket.io.engine.id, sid);
    assert.equal(bob.socket.connected, true);
    assert.deepEqual(await balancer.serverStates(), { battle1: "UP", battle2: "UP" });
  } finally {
    for (const s of sockets) s.close();
    await balancer.stop();
    await stack.stop();
  }
});

test("a draining instance leaves the rotation before it closes its sockets", async () => {
  const stack = await startStack(stackOptions({ JOUST_DRAIN_WINDOW_MS: "4000" }));
  const balancer = await startBalancer(stack);
  const sockets = [];
  try {
    const leaving = stack.battleProcesses[0];
    const stoppedAt = Date.now();
    leaving.kill("SIGTERM");
    // Readiness fails as soon as the signal is handled (the kill only queues it), long before
    // the drain window ends; the balancer notices within a couple of checks.
    await until(
      async () => (await fetch(`${stack.battles[0]}/readyz`)).status === 503,
      "the stopping instance reports not ready",
      2_000,
    );
    // "UP 1/2" is a server still in the rotation after one failed check.
    await until(
      async () => (await balancer.serverStates()).battle1.startsWith("DOWN"),
      "battle1 leaves the rotation",
      10_000,
    );
    const outAfterMs = Date.now() - stoppedAt;
    assert.equal(leaving.exitCode, null, "the draining instance is still running");
    assert.equal((await balancer.serverStates()).battle2, "UP");
    // Every new connection through the balancer now lands on the remaining instance.
    for (let i = 0; i < 6; i++) {
      const player = await connectVia(balancer.url, await guest(balancer.url, `p${i}`), i % 2 ? "polling" : "websocket");
      sockets.push(player.socket);
    }
    await new Promise((r) => leaving.once("exit", r));
    const drainedAfterMs = Date.now() - stoppedAt;
    assert.ok(outAfterMs < drainedAfterMs, `${outAfterMs} ms out of rotation, exit after ${drainedAfterMs} ms`);
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(sockets.every((s) => s.connected), "no client was on the instance that stopped");
  } finally {
    for (const s of sockets) s.close();
    await balancer.stop();
    await stack.stop();
  }
});
