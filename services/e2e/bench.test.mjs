// The battle benchmark (`make bench-battle`) at a tiny size: every phase runs against two real
// instances and yields figures, so the full-size run cannot fail on a broken phase.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runBenchmark } from "./bench/battle.mjs";
import { render } from "./bench/report.mjs";

test("the battle benchmark measures every figure on a small load", async () => {
  const r = await runBenchmark({
    perInstance: 25,
    loginConcurrency: 8,
    handshakeConcurrency: 16,
    holdSeconds: 1,
    duels: 2,
    chatRate: 40,
    chatSeconds: 2,
    lockPairs: 10,
    lockConcurrency: 4,
    lockRaces: 6,
    ackCount: 200,
  });
  // Acks leave at once (TCP_NODELAY): with Nagle's algorithm each round trip took ~40 ms.
  assert.equal(r.ack.transport.count, 200);
  assert.ok(r.ack.transport.p50 < 10, JSON.stringify(r.ack.transport));
  assert.deepEqual(r.ramp.opened, [25, 25]);
  assert.ok(r.ramp.perSecond > 0);
  assert.deepEqual(r.hold.serverConnected, [25, 25]);
  assert.equal(r.hold.disconnects, 0);
  assert.equal(r.memory.perConnection.length, 2);
  // Both players of each duel send: every accepted line reaches the opponent on the other
  // instance, with a measured latency.
  assert.ok(r.chat.sent >= 70, `sent ${r.chat.sent}`);
  assert.equal(r.chat.accepted, r.chat.sent, r.chat.errors);
  assert.equal(r.chat.lost, 0);
  assert.equal(r.chat.dropped, 0);
  assert.ok(r.chat.cross.p99 > 0 && r.chat.cross.p99 < 5_000, JSON.stringify(r.chat.cross));
  assert.equal(r.lock.outcomes, "ok 10");
  assert.ok(r.lock.server.acquire.p99.count >= 10);
  assert.ok(r.lock.server.hold.p50.ms > 0);
  assert.ok(r.chat.server.handler.p50.count >= r.chat.sent);
  // Two acceptors per code, on different instances: exactly one battle per code.
  assert.equal(r.race.oneBattlePerCode, 6, r.race.outcomes);
  const markdown = render(r);
  assert.doesNotMatch(markdown, /NaN|undefined/);
  assert.match(markdown, /\| ack round trip, transport only \| p50 [\d.]+ ms/);
  assert.match(markdown, /\| cross-instance chat latency \| p50 [\d.]+ ms, p99 [\d.]+ ms \|/);
});
