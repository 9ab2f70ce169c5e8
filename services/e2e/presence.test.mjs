// The lobby across instances: players connected to either instance are online on both, and the
// players of an instance that is killed (no clean disconnect, no more heartbeats) drop out within
// the presence TTL.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startStack, guest, connectAs, until } from "./harness.mjs";

const TTL_MS = 1500;

let stack;
before(async () => {
  stack = await startStack({
    battleInstances: 2,
    judge: false,
    battleEnv: { JOUST_PRESENCE_TTL_MS: String(TTL_MS), JOUST_PRESENCE_HEARTBEAT_MS: "300" },
  });
});
after(async () => {
  await stack?.stop();
});

async function presenceOver(url, token) {
  const res = await fetch(`${url}/api/presence`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200);
  return res.json();
}

test("the lobby counts every instance's players and forgets a killed instance's", async () => {
  const [a, b, c] = [
    await guest(stack.battles[0], "alice"),
    await guest(stack.battles[1], "bob"),
    await guest(stack.battles[1], "carol"),
  ];
  const alice = await connectAs(stack.battles[0], a);
  const bob = await connectAs(stack.battles[1], b);
  const carol = await connectAs(stack.battles[1], c);
  try {
    const queued = await carol.request("matchmaking:join", { language: "python" });
    assert.equal(queued.ok, true, JSON.stringify(queued));
    const ack = await bob.request("lobby:presence", {});
    assert.equal(ack.ok, true, JSON.stringify(ack));
    assert.equal(ack.data.count, 3);
    const states = Object.fromEntries(ack.data.players.map((p) => [p.name, p.state]));
    assert.deepEqual(states, { alice: "idle", bob: "idle", carol: "queued" });

    // Past several TTLs the heartbeats keep everyone online.
    await new Promise((r) => setTimeout(r, TTL_MS * 2));
    assert.equal((await presenceOver(stack.battles[0], b.token)).count, 3);

    // A clean disconnect leaves at once.
    carol.socket.close();
    await until(async () => (await presenceOver(stack.battles[0], b.token)).count === 2, "carol to leave", 5_000);

    stack.battleProcesses[0].kill("SIGKILL");
    const killedAt = Date.now();
    await until(async () => (await presenceOver(stack.battles[1], b.token)).count === 1, "alice to drop out", 10_000);
    assert.ok(Date.now() - killedAt < TTL_MS + 2_000, "within the TTL and a heartbeat");
    const left = await presenceOver(stack.battles[1], b.token);
    assert.deepEqual(left.players.map((p) => p.name), ["bob"]);
  } finally {
    alice.socket.close();
    bob.socket.close();
    carol.socket.close();
  }
});
