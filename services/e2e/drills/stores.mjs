// The drills' own Redis and PostgreSQL servers. Restarting, pausing or stopping the machine's
// shared servers would disturb everything else running on it, so each drill run starts
// throwaway ones on free ports and removes them afterwards.
import { execFileSync, spawn } from "node:child_process";
import { chownSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../harness.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A redis-server without persistence on a free port: a restart comes back empty. */
export async function privateRedis() {
  const port = await freePort();
  const node = { url: `redis://127.0.0.1:${port}`, child: null };
  node.start = async () => {
    node.child = spawn(
      "/usr/bin/redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--maxclients", "20000"],
      { stdio: "ignore" },
    );
    await sleep(300);
  };
  node.stop = async () => {
    if (node.child?.exitCode === null) {
      const exited = new Promise((r) => node.child.once("exit", r));
      node.child.kill("SIGKILL");
      await exited;
    }
  };
  await node.start();
  return node;
}

/** The newest PostgreSQL server binaries Debian installed. */
function postgresBin() {
  const root = "/usr/lib/postgresql";
  const newest = readdirSync(root).sort((a, b) => Number(b) - Number(a))[0];
  return join(root, newest, "bin");
}

/**
 * A PostgreSQL cluster of the drill's own (initdb in a temporary directory, trust on loopback,
 * a free port). PostgreSQL refuses to run as root, so under root its commands run as the
 * `postgres` user that Debian's package creates. `stop()` and `start()` are `pg_ctl`'s; `pause()`
 * and `resume()` send SIGSTOP and SIGCONT to the postmaster and every backend, as a frozen
 * machine would look to its clients. `remove()` stops it and deletes its files.
 */
export async function privatePostgres() {
  const bin = postgresBin();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "joust-drill-pg-"));
  const asRoot = process.getuid?.() === 0;
  const run = (tool, args) =>
    execFileSync(asRoot ? "runuser" : join(bin, tool), asRoot ? ["-u", "postgres", "--", join(bin, tool), ...args] : args, {
      stdio: ["ignore", "ignore", "inherit"],
    });
  if (asRoot) {
    const { uid, gid } = postgresUser();
    chownSync(dir, uid, gid);
  }
  const data = join(dir, "data");
  run("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync"]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync=off -c synchronous_commit=off`;
  const server = {
    port: String(port),
    start: () => run("pg_ctl", ["-D", data, "-o", options, "-l", join(dir, "log"), "-w", "start"]),
    stop: () => run("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]),
    pause: () => signalCluster(data, "SIGSTOP"),
    resume: () => signalCluster(data, "SIGCONT"),
    remove: () => {
      try {
        server.resume();
        server.stop();
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  server.start();
  return server;
}

function postgresUser() {
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("postgres:"));
  if (!line) throw new Error("no postgres user: install Debian's postgresql package");
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

/** Sends `signal` to the cluster's postmaster and all its children. */
function signalCluster(data, signal) {
  const postmaster = Number(readFileSync(join(data, "postmaster.pid"), "utf8").split("\n")[0]);
  const children = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === postmaster) children.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  // Freeze the postmaster first so it starts no new backend; thaw it last.
  const order = signal === "SIGSTOP" ? [postmaster, ...children] : [...children, postmaster];
  for (const pid of order) process.kill(pid, signal);
}
