// Identity attacks against the real battle service: player ids are public, so a token minted
// with the development key (or any key the service does not hold) for a victim's id must be
// refused; a key rotation keeps the previous key's tokens valid; the service does not start
// without a real key; names and chat cannot hide characters; the public port exposes no
// metrics, no readiness details and no cross-origin access.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { io } from "socket.io-client";
import { startStack, guest, connectAs, binDir } from "../harness.mjs";

/** The development key, public in the source. */
const DEV_SECRET = "joust-local-development-secret";
const PREVIOUS_SECRET = randomBytes(32).toString("hex");

/** An HS256 session token for `sub`, signed with `secret`. */
function mint(secret, sub, name = "victim") {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const iat = Math.floor(Date.now() / 1000);
  const input = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ sub, name, iat, exp: iat + 3600 })}`;
  return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
}

/** Resolves with "connected" or the `connect_error` message. */
function handshake(url, token) {
  const socket = io(url, { auth: { token, protocol: 1 }, reconnection: false, forceNew: true });
  return new Promise((resolve) => {
    socket.once("connect", () => {
      socket.close();
      resolve("connected");
    });
    socket.once("connect_error", (e) => {
      socket.close();
      resolve(e.message);
    });
  });
}

let stack;
before(async () => {
  stack = await startStack({ judge: false, battleEnv: { JOUST_JWT_PREVIOUS_SECRET: PREVIOUS_SECRET } });
});
after(() => stack?.stop());

test("a token forged with the development key for a victim's public id is refused", async () => {
  const victim = await guest(stack.battle, "victim");
  assert.match(await handshake(stack.battle, mint(DEV_SECRET, victim.userId)), /^UNAUTHORIZED/);
  assert.match(await handshake(stack.battle, mint(randomBytes(32).toString("hex"), victim.userId)), /^UNAUTHORIZED/);
  assert.equal(await handshake(stack.battle, victim.token), "connected");
});

test("during a key rotation, tokens signed with the previous key still verify", async () => {
  const player = await guest(stack.battle, "rotated");
  assert.equal(await handshake(stack.battle, mint(PREVIOUS_SECRET, player.userId, "rotated")), "connected");
});

test("the service does not start without a real secret outside development mode", async () => {
  for (const secret of [undefined, DEV_SECRET, "tiny-key-7q"]) {
    const env = { ...process.env, RUST_BACKTRACE: "0", JOUST_DEV_MODE: "false", JOUST_BATTLE_PORT: "0", JOUST_BATTLE_OPS_PORT: "0" };
    delete env.JOUST_JWT_SECRET;
    delete env.JOUST_JWT_PREVIOUS_SECRET;
    // The executor token is valid, so the JWT secret is what is refused.
    env.JOUST_EXECUTOR_TOKEN = "an-executor-token-of-at-least-32-bytes";
    if (secret) env.JOUST_JWT_SECRET = secret;
    const child = spawn(`${binDir}/joust-battle`, [], { env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    const code = await new Promise((resolve) => child.once("exit", resolve));
    assert.notEqual(code, 0, `started with ${secret}`);
    assert.match(stderr, /JOUST_JWT_SECRET/);
    if (secret) assert.ok(!stderr.includes(secret), "the secret is not printed");
  }
});

test("names are unique ignoring case, and names and chat refuse hidden characters", async () => {
  const post = (name) =>
    fetch(`${stack.battle}/api/auth/guest`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name }),
    });
  const ada = await guest(stack.battle, "Ada");
  for (const [name, status, code] of [
    ["ada", 409, "NAME_TAKEN"],
    ["ADA ", 409, "NAME_TAKEN"],
    ["\u202Eada", 422, "INVALID_PAYLOAD"],
    ["a\u200Bda", 422, "INVALID_PAYLOAD"],
  ]) {
    const res = await post(name);
    assert.equal(res.status, status, name);
    assert.equal((await res.json()).error.code, code, name);
  }
  const a = await connectAs(stack.battle, ada);
  const b = await connectAs(stack.battle, await guest(stack.battle, "Bob"));
  try {
    const { code } = (await a.request("challenge:create", {})).data;
    const battleId = (await b.request("challenge:accept", { code })).data.battle_id;
    for (const text of ["gg\u202E", "g\u2066g", "g\u200Dg"]) {
      const ack = await a.request("chat:send", { battle_id: battleId, text });
      assert.equal(ack.error?.code, "INVALID_PAYLOAD", JSON.stringify(text));
    }
    assert.equal((await a.request("chat:send", { battle_id: battleId, text: "gl hf" })).ok, true);
  } finally {
    a.socket.close();
    b.socket.close();
  }
});

test("the public port serves no metrics, no readiness details and no cross-origin grants", async () => {
  const origin = { origin: "https://evil.example" };
  const metrics = await fetch(`${stack.battle}/metrics`, { headers: origin });
  assert.equal(metrics.status, 404);
  assert.equal((await metrics.json()).error.code, "NOT_FOUND");
  const ready = await fetch(`${stack.battle}/readyz`, { headers: origin });
  assert.equal(await ready.text(), "ready");
  assert.equal(ready.headers.get("access-control-allow-origin"), null);
  const preflight = await fetch(`${stack.battle}/api/auth/guest`, {
    method: "OPTIONS",
    headers: { ...origin, "access-control-request-method": "POST" },
  });
  assert.equal(preflight.headers.get("access-control-allow-origin"), null);
  const wrongMethod = await fetch(`${stack.battle}/api/auth/guest`);
  assert.equal(wrongMethod.status, 405);
  assert.equal((await wrongMethod.json()).error.code, "METHOD_NOT_ALLOWED");
  // The operations listener (loopback) has them.
  assert.match(await (await fetch(`${stack.ops[0]}/metrics`)).text(), /socket_events_limited_total/);
});
