// Many guest players and their Socket.IO connections, opened with a bounded number in flight.
import { io } from "socket.io-client";

/** Runs `task(i)` for i in 0..count with at most `limit` running at once. */
export async function pool(count, limit, task) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Opens one websocket-only connection. A `RATE_LIMITED` refusal is retried after the delay the
 * server names (plus jitter), as the protocol asks; `stats.rateLimited` counts them. Resolves
 * with the socket, or rejects with the refusal.
 */
export async function connect(url, player, stats) {
  for (;;) {
    const socket = io(url, {
      auth: { token: player.token, protocol: 1 },
      transports: ["websocket"],
      reconnection: false,
      forceNew: true,
      timeout: 60_000,
    });
    try {
      await new Promise((resolve, reject) => {
        socket.once("connect", resolve);
        socket.once("connect_error", reject);
      });
      return socket;
    } catch (e) {
      socket.close();
      const retry = /^RATE_LIMITED: .* retry in (\d+) ms/.exec(e.message);
      if (!retry) throw e;
      stats.rateLimited++;
      await sleep(Number(retry[1]) + Math.random() * 50);
    }
  }
}

/** Sends an event and resolves with its ack (`{ ok, data | error }`); rejects on timeout. */
export function request(socket, event, payload, timeoutMs = 30_000) {
  return socket.timeout(timeoutMs).emitWithAck(event, payload);
}

/** Milliseconds on the monotonic clock, with sub-millisecond precision. */
export function nowMs() {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Counts occurrences by key: `tally.add("LOCK_BUSY")`; `tally.entries` for the report. */
export class Tally {
  constructor() {
    this.counts = new Map();
  }
  add(key) {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
  get total() {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }
  toString() {
    return this.counts.size === 0 ? "none" : [...this.counts].map(([k, v]) => `${k} ${v}`).join(", ");
  }
}

/** Adds the counts of a plain object (as a worker sends a `Tally`) to `tally`. */
export function addCounts(tally, counts) {
  for (const [key, n] of Object.entries(counts)) tally.counts.set(key, (tally.counts.get(key) ?? 0) + n);
}
