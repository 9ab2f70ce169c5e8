// The executor as an attacker on the network, or a careless operator, meets it: the real
// binary, alone. It listens on loopback whatever JOUST_HOST says, answers only callers with
// its bearer token (the previous one too during a rotation), refuses limits above its maxima
// and bodies above its cap, and does not start without a real token outside development mode.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { connect } from "node:net";
import { freePort, ipv4Listeners, LOOPBACK } from "../harness.mjs";

const binDir = process.env.JOUST_BIN_DIR ?? new URL("../../../target/debug/", import.meta.url).pathname;
const runtimeDir = process.env.JOUST_RUNTIME_DIR ?? new URL("../../../.cache/runtimes", import.meta.url).pathname;
const cacheDir = process.env.JOUST_SANDBOX_CACHE_DIR ?? new URL("../../../.cache/sandbox", import.meta.url).pathname;

const token = randomBytes(32).toString("hex");
const previousToken = randomBytes(32).toString("hex");
const maxBodyBytes = 256 * 1024;

/** The environment without any JOUST_ setting of the caller's but the sandbox's directories. */
function baseEnv(extra) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("JOUST_")));
  return {
    ...env,
    RUST_LOG: "warn",
    JOUST_LOG_FORMAT: "json",
    JOUST_RUNTIME_DIR: runtimeDir,
    JOUST_SANDBOX_CACHE_DIR: cacheDir,
    ...extra,
  };
}

let executor;
let port;
let url;

before(async () => {
  port = await freePort();
  url = `http://127.0.0.1:${port}`;
  executor = spawn(`${binDir}/joust-executor`, [], {
    env: baseEnv({
      // What README says to set to serve others: the executor must not follow it.
      JOUST_HOST: "0.0.0.0",
      JOUST_EXECUTOR_PORT: String(port),
      JOUST_EXECUTOR_TOKEN: token,
      JOUST_EXECUTOR_PREVIOUS_TOKEN: previousToken,
      JOUST_EXECUTOR_MAX_BODY_BYTES: String(maxBodyBytes),
    }),
    stdio: ["ignore", "inherit", "inherit"],
  });
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (executor.exitCode !== null) throw new Error(`the executor exited with ${executor.exitCode}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("the executor is not ready");
    await new Promise((r) => setTimeout(r, 200));
  }
});

after(async () => {
  if (executor?.exitCode === null) {
    executor.kill("SIGTERM");
    await new Promise((r) => executor.once("exit", r));
  }
});

const sum = {
  language: "python",
  source: "print(sum(map(int, input().split())))",
  tests: [{ input: "1 2\n", expected_output: "3\n" }],
  time_limit_ms: 1000,
  memory_limit_mb: 64,
};

async function execute(body, bearer) {
  const headers = { "content-type": "application/json" };
  if (bearer !== undefined) headers.authorization = `Bearer ${bearer}`;
  const res = await fetch(`${url}/v1/executions`, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** Whether a TCP connection to host:port is accepted. */
function reachable(host, port) {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

test("the executor listens on loopback only, even with JOUST_HOST=0.0.0.0", async () => {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  assert.deepEqual(ipv4Listeners(port), [LOOPBACK]);
  const ipv6 = readFileSync("/proc/net/tcp6", "utf8");
  assert.ok(!ipv6.includes(`:${hexPort} 00000000000000000000000000000000:0000 0A`), "no IPv6 wildcard listener");

  const external = Object.values(networkInterfaces())
    .flat()
    .find((a) => a.family === "IPv4" && !a.internal);
  if (external) assert.equal(await reachable(external.address, port), false, external.address);
  assert.equal(await reachable("127.0.0.1", port), true);
});

test("calls without the token or with a wrong one get 401", async () => {
  for (const bearer of [undefined, "", "wrong", token.slice(0, -1), `${token}x`]) {
    const { status, body } = await execute(sum, bearer);
    assert.equal(status, 401, `token ${bearer}`);
    assert.equal(body.error.code, "UNAUTHORIZED");
  }
  const languages = await fetch(`${url}/v1/languages`);
  assert.equal(languages.status, 401);
  const metrics = await (await fetch(`${url}/metrics`)).text();
  assert.match(metrics, /execution_rejections_total\{reason="unauthorized"\} 6/);
});

test("the current token and, during a rotation, the previous one are accepted", async () => {
  for (const bearer of [token, previousToken]) {
    const { status, body } = await execute(sum, bearer);
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.verdict, "AC");
  }
});

test("limits above the executor's maxima are refused, not clamped", async () => {
  const cases = [
    [{ ...sum, time_limit_ms: 20_000 }, "time_limit_ms"],
    [{ ...sum, memory_limit_mb: 4096 }, "memory_limit_mb"],
    [{ ...sum, tests: Array(101).fill(sum.tests[0]) }, "tests"],
  ];
  for (const [request, field] of cases) {
    const { status, body } = await execute(request, token);
    assert.equal(status, 422, field);
    assert.equal(body.error.code, "LIMIT_EXCEEDED", field);
    assert.ok(body.error.message.startsWith(`${field} is `), body.error.message);
  }
});

test("a body above the cap is refused with 413", async () => {
  const big = { ...sum, tests: [{ input: "1 ".repeat(maxBodyBytes), expected_output: "3" }] };
  const { status, body } = await execute(big, token);
  assert.equal(status, 413);
  assert.equal(body.error.code, "BODY_TOO_LARGE");
});

test("wrong shapes, unknown routes and methods get JSON errors", async () => {
  const array = await execute([sum], token);
  assert.deepEqual([array.status, array.body.error.code], [422, "INVALID_BODY"]);
  const get = await fetch(`${url}/v1/executions`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(get.status, 405);
  assert.equal((await get.json()).error.code, "METHOD_NOT_ALLOWED");
  const missing = await fetch(`${url}/v1/nothing`);
  assert.equal(missing.status, 404);
  assert.equal((await missing.json()).error.code, "NOT_FOUND");
});

test("without a token and without JOUST_DEV_MODE the executor refuses to start", async () => {
  const child = spawn(`${binDir}/joust-executor`, [], {
    env: baseEnv({ JOUST_EXECUTOR_PORT: String(await freePort()) }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const code = await new Promise((resolve) => child.once("exit", resolve));
  assert.notEqual(code, 0);
  assert.match(output, /JOUST_EXECUTOR_TOKEN/);
});
