// One load-generator process: holds the connections to one battle instance and acts on them
// when the coordinator (battle.mjs) asks over IPC. A process holds at most one instance's
// connections, so each stays under the open-file limit, and the two use both cores.
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { Tally, connect, nowMs, pool, request } from "./clients.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Index in `sockets` is the player's index in this worker. */
const sockets = [];
const disconnects = new Tally();
const delay = monitorEventLoopDelay({ resolution: 5 });
delay.enable();
let elu = performance.eventLoopUtilization();
/** Chat lines received since `chatListen`: latencies from the opponent and of own echoes. */
let received = null;

const ops = {
  /** Opens one connection per player, `concurrency` in flight; per-handshake times in ms. */
  async connect({ url, players, concurrency }) {
    const handshakeMs = [];
    const errors = new Tally();
    const stats = { rateLimited: 0 };
    const started = nowMs();
    await pool(players.length, concurrency, async (i) => {
      const t = nowMs();
      try {
        const socket = await connect(url, players[i], stats);
        handshakeMs.push(nowMs() - t);
        socket.on("disconnect", (reason) => disconnects.add(reason));
        socket.userId = players[i].userId;
        sockets[i] = socket;
      } catch (e) {
        errors.add(e.message.split(":")[0]);
      }
    });
    return {
      opened: handshakeMs.length,
      seconds: (nowMs() - started) / 1000,
      handshakeMs,
      errors: Object.fromEntries(errors.counts),
      rateLimited: stats.rateLimited,
    };
  },

  status() {
    return {
      connected: sockets.filter((s) => s?.connected).length,
      disconnects: Object.fromEntries(disconnects.counts),
    };
  },

  /** Sends one event from player `index`; the ack and its latency as seen by the client. */
  async request({ index, event, payload }) {
    const socket = sockets[index];
    if (!socket) return { ack: { ok: false, error: { code: "NOT_CONNECTED" } }, ms: 0 };
    const t = nowMs();
    try {
      const ack = await request(socket, event, payload);
      return { ack, ms: nowMs() - t };
    } catch {
      return { ack: { ok: false, error: { code: "ack timeout" } }, ms: nowMs() - t };
    }
  },

  /** Starts timing the chat lines that players `indices` receive. */
  chatListen({ indices }) {
    received = { cross: [], echo: [], listeners: [] };
    const into = received;
    for (const index of indices) {
      const socket = sockets[index];
      const listener = (message) => {
        const at = Number(message.text.split(" ")[1]);
        const latency = nowMs() - at;
        if (message.user_id === socket.userId) into.echo.push(latency);
        else into.cross.push([at, latency]);
      };
      socket.on("chat:message", listener);
      into.listeners.push([socket, listener]);
    }
    return {};
  },

  /** How many lines from the opponents arrived so far. */
  chatCount() {
    return { cross: received.cross.length };
  },

  /** Stops listening; the latencies collected (ms), cross-instance ones with their send times. */
  chatCollect() {
    for (const [socket, listener] of received.listeners) socket.off("chat:message", listener);
    const { cross, echo } = received;
    received = null;
    return { cross, echo };
  },

  /**
   * Players send chat lines into their battles at `rate` per second in total for `seconds`,
   * in turn. Each line carries its send time on the host's monotonic clock.
   */
  async chatSend({ senders, rate, seconds }) {
    const ackMs = [];
    const errors = new Tally();
    const inFlight = new Set();
    let sent = 0;
    let accepted = 0;
    const send = (k) => {
      const { index, battleId } = senders[k % senders.length];
      const at = nowMs();
      const done = request(sockets[index], "chat:send", { battle_id: battleId, text: `${k} ${at.toFixed(3)}` })
        .then((ack) => {
          ackMs.push(nowMs() - at);
          if (ack.ok) accepted++;
          else errors.add(ack.error.code);
        })
        .catch(() => errors.add("ack timeout"))
        .finally(() => inFlight.delete(done));
      inFlight.add(done);
    };
    const started = nowMs();
    for (;;) {
      const elapsed = nowMs() - started;
      if (elapsed >= seconds * 1000) break;
      const due = Math.floor((elapsed * rate) / 1000);
      while (sent < due) send(sent++);
      await sleep(1);
    }
    const sendSeconds = (nowMs() - started) / 1000;
    await Promise.all(inFlight);
    return { sent, accepted, sendSeconds, ackMs, errors: Object.fromEntries(errors.counts) };
  },

  /** Event-loop utilization and delay since the previous call (how busy this client was). */
  loop() {
    const result = {
      utilization: performance.eventLoopUtilization(elu).utilization,
      delayP99Ms: delay.percentile(99) / 1e6,
      delayMaxMs: delay.max / 1e6,
    };
    elu = performance.eventLoopUtilization();
    delay.reset();
    return result;
  },

  close() {
    for (const socket of sockets) {
      socket?.removeAllListeners("disconnect");
      socket?.close();
    }
    return {};
  },
};

process.on("message", async ({ id, op, args }) => {
  try {
    process.send({ id, result: await ops[op](args) });
  } catch (e) {
    process.send({ id, error: String(e?.stack ?? e) });
  }
});
