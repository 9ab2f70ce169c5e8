// Starts Debian's haproxy with infra/haproxy/haproxy.cfg in front of the first two battle
// instances of a stack from `startStack`, and reads the state of its servers from the runtime
// API (a Unix socket), for the tests and the drills that go through the balancer.
import { spawn } from "node:child_process";
import { connect } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./harness.mjs";

const config = new URL("../../infra/haproxy/haproxy.cfg", import.meta.url).pathname;

/** Sends one runtime-API command and resolves with the whole answer. */
function adminCommand(socketPath, command) {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let answer = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk) => (answer += chunk));
    socket.on("end", () => resolve(answer));
    socket.on("error", reject);
    socket.write(`${command}\n`);
  });
}

/**
 * haproxy in front of `stack.battles[0]` and `[1]`: `{ url, serverStates(), stop() }`.
 * `serverStates()` resolves with e.g. `{ battle1: "UP", battle2: "DOWN" }`.
 */
export async function startBalancer(stack) {
  const dir = mkdtempSync(join(tmpdir(), "joust-lb-"));
  const port = await freePort();
  const socketPath = join(dir, "admin.sock");
  const hostPort = (url) => new URL(url).host;
  const child = spawn("haproxy", ["-db", "-f", config], {
    env: {
      ...process.env,
      JOUST_LB_BIND: `127.0.0.1:${port}`,
      JOUST_LB_BATTLE1: hostPort(stack.battles[0]),
      JOUST_LB_BATTLE2: hostPort(stack.battles[1]),
      JOUST_LB_ADMIN_SOCKET: socketPath,
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  const balancer = {
    url,
    child,
    async serverStates() {
      const csv = await adminCommand(socketPath, "show stat");
      const [header, ...rows] = csv.replace(/^# /, "").trim().split("\n");
      const columns = header.split(",");
      const [px, sv, status] = ["pxname", "svname", "status"].map((c) => columns.indexOf(c));
      const states = {};
      for (const row of rows.map((r) => r.split(","))) {
        if (row[px] === "battle" && row[sv].startsWith("battle")) states[row[sv]] = row[status];
      }
      return states;
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited with ${child.exitCode}`);
    try {
      const states = await balancer.serverStates();
      if (Object.values(states).filter((s) => s === "UP").length === 2) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await balancer.stop();
      throw new Error("haproxy did not see both battle instances up");
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return balancer;
}
