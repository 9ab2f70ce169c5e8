// An operator follows README's advice to serve others and sets JOUST_HOST=0.0.0.0 for every
// service. Only the battle service's public port may follow it: the executor, the judge's port
// and the battle service's operations port (whose readiness names PostgreSQL and Redis) stay on
// loopback.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startStack, ipv4Listeners, LOOPBACK, ANY_ADDRESS } from "../harness.mjs";

let stack;
before(async () => {
  const previous = process.env.JOUST_HOST;
  process.env.JOUST_HOST = "0.0.0.0";
  try {
    stack = await startStack();
  } finally {
    if (previous === undefined) delete process.env.JOUST_HOST;
    else process.env.JOUST_HOST = previous;
  }
});
after(async () => {
  await stack?.stop();
});

const portOf = (url) => Number(new URL(url).port);

test("with JOUST_HOST=0.0.0.0 only the public port listens beyond loopback", () => {
  assert.deepEqual(ipv4Listeners(portOf(stack.battle)), [ANY_ADDRESS]);
  for (const [name, url] of [
    ["executor", stack.executor],
    ["judge", stack.judge],
    ["battle operations", stack.ops[0]],
  ]) {
    assert.deepEqual(ipv4Listeners(portOf(url)), [LOOPBACK], name);
  }
});
