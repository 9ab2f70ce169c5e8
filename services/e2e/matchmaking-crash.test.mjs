// A queued player whose instance dies is dropped from the matchmaking queue once the reconnect
// grace period is over, so that nobody is matched with a player who will never see the battle.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { startStack, guest, connectAs } from "./harness.mjs";

let stack;
before(async () => {
  stack = await startStack({
    judge: false,
    battleInstances: 2,
    battleEnv: { JOUST_RECONNECT_GRACE_MS: "300", JOUST_SWEEP_INTERVAL_MS: "200" },
  });
});
after(async () => {
  await stack?.stop();
});

function queued() {
  return Number(execFileSync("redis-cli", ["hlen", `${stack.redisPrefix}matchmaking:entries`], { encoding: "utf8" }));
}

test("the entry of a player whose instance died is dropped, not matched", async () => {
  const ghost = await connectAs(stack.battles[0], await guest(stack.battles[0], "ghost"));
  const joined = await ghost.request("matchmaking:join", { language: "rust" });
  assert.equal(joined.data?.status, "queued", JSON.stringify(joined));
  assert.equal(queued(), 1);

  // The instance dies without a clean disconnect: nothing removes the entry at once.
  stack.battleProcesses[0].kill("SIGKILL");
  ghost.socket.close();
  while (queued() !== 0) {
    await new Promise((r) => setTimeout(r, 100));
  }

  const eve = await connectAs(stack.battles[1], await guest(stack.battles[1], "eve"));
  try {
    const alone = await eve.request("matchmaking:join", { language: "rust" });
    assert.equal(alone.data?.status, "queued", JSON.stringify(alone));
  } finally {
    eve.socket.close();
  }
});
