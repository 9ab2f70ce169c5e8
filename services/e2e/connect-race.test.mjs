// An event sent in the same tick as the connection is never dropped: the client queues it before
// CONNECT is answered and flushes it the moment the answer arrives, so the server must have the
// socket's handlers in place before it answers. 10,000 fresh sockets, many at once, each send
// one request that way; every one is acked.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import { startStack, guest } from "./harness.mjs";

const CONNECTIONS = 10_000;
/** Sockets racing at once: enough to keep the server busy, few enough for one client process. */
const PARALLEL = 250;

let stack;
before(async () => {
  stack = await startStack({ judge: false });
});
after(async () => {
  await stack?.stop();
});

/** Connects and, in the same tick, sends `leaderboard:unsubscribe` (cheap: it touches no store); resolves with its ack. */
function raceOne(url, player) {
  const socket = io(url, {
    auth: { token: player.token, protocol: 1 },
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
  });
  // Emitted before the connection exists: socket.io-client buffers it and sends it right after
  // CONNECT is answered, in the tick the answer is read.
  const acked = socket.timeout(20_000).emitWithAck("leaderboard:unsubscribe", {});
  return acked.finally(() => socket.close());
}

test("an event sent in the same tick as the connect is always acked", async () => {
  const players = await Promise.all(Array.from({ length: 20 }, (_, i) => guest(stack.battle, `racer-${i}`)));
  let next = 0;
  let acked = 0;
  const failures = new Map();
  const lane = async () => {
    while (next < CONNECTIONS) {
      const k = next++;
      try {
        const ack = await raceOne(stack.battle, players[k % players.length]);
        if (ack.ok) acked++;
        else failures.set(ack.error.code, (failures.get(ack.error.code) ?? 0) + 1);
      } catch (e) {
        failures.set(e.message, (failures.get(e.message) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, lane));
  assert.deepEqual(Object.fromEntries(failures), {}, "every request is answered with success");
  assert.equal(acked, CONNECTIONS);
});
