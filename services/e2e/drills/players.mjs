// The drills' players: guests connected through the balancer that behave as docs/protocol.md
// asks a client to, and the checks of what they saw.
import { io } from "socket.io-client";
import { guest, psql, tally, until } from "../harness.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A player that reconnects on its own (socket.io's jittered backoff), follows
 * `server:draining` hints, and fills gaps with `battle:resume`: after every reconnect and when a
 * received `seq` skips one. A refused or unanswered resume is retried (after the server's retry
 * hint when it gives one) until it succeeds. A resume asks for everything after the first event
 * missing, so a gap behind the newest event is filled too. `live` are the event numbers received as
 * `battle:event`, `seqs` those plus the ones resumes returned; `resumeErrors` counts refusals
 * by code; `judged` maps a submission id to when its verdict arrived.
 */
export async function player(url, name) {
  const me = await guest(url, name);
  const socket = io(url, {
    auth: { token: me.token, protocol: 1 },
    transports: ["websocket"],
    forceNew: true,
    reconnectionDelayMax: 5000,
  });
  const p = {
    ...me,
    socket,
    seqs: new Set(),
    live: new Set(),
    battleId: null,
    disconnects: [],
    reconnects: [],
    resumeErrors: {},
    judged: new Map(),
    chats: new Set(),
  };
  const resumeOnce = async () => {
    for (;;) {
      // From the first event missing, not the last one seen: a gap may be behind it.
      let last = 0;
      while (p.seqs.has(last + 1)) last++;
      let answer;
      try {
        answer = await socket.timeout(30_000).emitWithAck("battle:resume", { battle_id: p.battleId, last_seq: last });
      } catch {
        answer = { ok: false, error: { code: socket.connected ? "TIMEOUT" : "DISCONNECTED" } };
      }
      if (answer.ok) {
        for (const e of answer.data.events) record(e, false);
        return;
      }
      p.resumeErrors[answer.error.code] = (p.resumeErrors[answer.error.code] ?? 0) + 1;
      // A disconnected client resumes again on its next connect.
      if (!socket.connected) return;
      await sleep(answer.error.retry_after_ms ?? 250 + Math.random() * 250);
    }
  };
  // One resume at a time; a request during one runs once more after it, from the newer `seq`.
  let resumes = Promise.resolve();
  p.resume = () => (resumes = resumes.then(resumeOnce).catch(() => {}));
  const record = (e, live) => {
    p.seqs.add(e.seq);
    if (live) p.live.add(e.seq);
    if (e.type === "submission.judged" && !p.judged.has(e.data.submission_id)) {
      p.judged.set(e.data.submission_id, { at: Date.now(), verdict: e.data.verdict });
    }
  };
  // Events of a battle that arrive before the accept's ack names it wait for `join`.
  const early = [];
  const receive = (e) => {
    const gap = e.seq > Math.max(0, ...p.seqs) + 1;
    record(e, true);
    if (gap) p.resume();
  };
  socket.on("battle:event", (e) => {
    if (p.battleId === null) early.push(e);
    else if (e.battle_id === p.battleId) receive(e);
  });
  p.join = (battleId) => {
    p.battleId = battleId;
    for (const e of early.splice(0)) if (e.battle_id === battleId) receive(e);
  };
  socket.on("chat:message", (m) => p.chats.add(m.text));
  socket.on("server:draining", ({ reconnect_after_ms: delay }) => {
    setTimeout(() => socket.disconnect().connect(), delay);
  });
  socket.on("disconnect", () => p.disconnects.push(Date.now()));
  socket.on("connect", () => {
    if (p.disconnects.length === 0) return;
    p.reconnects.push(Date.now());
    if (p.battleId) p.resume();
  });
  await new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  p.request = (event, payload) => socket.timeout(30_000).emitWithAck(event, payload);
  return p;
}

/** Connects `n` players in batches and pairs them into duels (at most `duels`). */
export async function population(url, n, duels) {
  const players = [];
  for (let i = 0; i < n; i += 100) {
    players.push(...(await Promise.all(Array.from({ length: Math.min(100, n - i) }, (_, j) => player(url, `d${i + j}`)))));
  }
  const pairs = [];
  for (let i = 0; i + 1 < players.length && pairs.length < duels; i += 2) pairs.push([players[i], players[i + 1]]);
  for (let i = 0; i < pairs.length; i += 50) {
    await Promise.all(
      pairs.slice(i, i + 50).map(async ([a, b]) => {
        const challenge = await a.request("challenge:create", {});
        if (!challenge.ok) throw new Error(`challenge refused: ${JSON.stringify(challenge)}`);
        let accepted;
        // LOCK_BUSY and the like are retryable; the challenge stays open.
        for (let attempt = 0; attempt < 5 && !accepted?.ok; attempt++) {
          if (attempt) await sleep(100 + Math.random() * 200);
          accepted = await b.request("challenge:accept", { code: challenge.data.code }).catch((e) => ({ error: String(e) }));
        }
        if (!accepted.ok) throw new Error(`accept failed: ${JSON.stringify(accepted)}`);
        a.join(accepted.data.battle_id);
        b.join(accepted.data.battle_id);
      }),
    );
  }
  return { players, pairs };
}

/** The whole log of a player's battle, retried while the service refuses or does not answer. */
export async function battleLog(p) {
  for (let attempt = 0; ; attempt++) {
    const log = await p.request("battle:resume", { battle_id: p.battleId, last_seq: 0 }).catch(() => null);
    if (log?.ok) return log.data.events;
    if (attempt === 20) throw new Error(`no log for battle ${p.battleId}: ${JSON.stringify(log)}`);
    await sleep(log?.error?.retry_after_ms ?? 500);
  }
}

/**
 * Whether `p` was connected from before `at` until now: every disconnect it had was over (its
 * reconnect done) half a second before `at`. An event it missed live then was lost on an open
 * connection, not missed while it was away.
 */
function openThroughout(p, at) {
  return p.disconnects.every((down) => (p.reconnects.find((t) => t >= down) ?? Infinity) < at - 500);
}

/**
 * What the players of `pairs` saw of their battles' logs (the events from `since` on), once every resume they started has
 * ended: `complete` battles where both players have every logged event (live or resumed),
 * `liveComplete` those where both got every event live, without a resume, and `missedLive` the
 * events a player had to resume, by type; `droppedOpen` those among them that the player
 * missed on a connection open from before the event until the check. An event still unseen after the players' resumes is a
 * lost event: `lost` counts them by type.
 */
export async function coverage(pairs, since = 0) {
  let [complete, liveComplete] = [0, 0];
  const [missedLive, droppedOpen, lost] = [{}, {}, {}];
  const add = (tally, type) => (tally[type] = (tally[type] ?? 0) + 1);
  for (const [a, b] of pairs) {
    const log = (await battleLog(a)).filter((e) => Date.parse(e.at) >= since);
    const players = [a, b];
    // Let every client see its gap and resume before judging what it saw.
    await Promise.all(players.map((p) => p.resume()));
    for (const p of players) {
      for (const e of log) {
        if (!p.live.has(e.seq)) add(missedLive, e.type);
        if (!p.live.has(e.seq) && openThroughout(p, Date.parse(e.at))) add(droppedOpen, e.type);
        if (!p.seqs.has(e.seq)) add(lost, e.type);
      }
    }
    if (players.every((p) => log.every((e) => p.seqs.has(e.seq)))) complete++;
    if (players.every((p) => log.every((e) => p.live.has(e.seq)))) liveComplete++;
  }
  return { complete, liveComplete, missedLive, droppedOpen, lost };
}

/** `{a: 1, b: 2}` as `a 1, b 2`, or `none`. */
export const counts = (tally) =>
  Object.entries(tally)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ") || "none";

/** "x of n battles …" for what the players saw, with the losses and where the resumes went. */
export function seen(view, n) {
  return (
    `${view.complete} of ${n} battles with every logged event seen by both players (${view.liveComplete} without a resume); ` +
    `events lost: ${counts(view.lost)}; events a player resumed: ${counts(view.missedLive)}; ` +
    `of those, missed on a connection that stayed open: ${counts(view.droppedOpen)}`
  );
}

/** The sum of every player's resume refusals, by code. */
export function resumeRefusals(players) {
  const total = {};
  for (const p of players) for (const [code, n] of Object.entries(p.resumeErrors)) total[code] = (total[code] ?? 0) + n;
  return total;
}

/** Reconnects per 500 ms after `t0`, as a compact line. */
export function spread(times, t0) {
  const buckets = new Map();
  for (const t of times) {
    const b = Math.floor((t - t0) / 500) * 0.5;
    buckets.set(b, (buckets.get(b) ?? 0) + 1);
  }
  return [...buckets.entries()]
    .sort((x, y) => x[0] - y[0])
    .map(([b, n]) => `${b}s: ${n}`)
    .join(", ");
}

/**
 * Every first player of `pairs` submits a wrong answer every `intervalMs` (each starting at a
 * random offset) until `stop()`, which resolves with the acknowledged submissions (`acked`:
 * `{ id, at, player }`) and the refusals by code (`refused`; an ack that never came is `TIMEOUT`).
 */
export function submitting(pairs, intervalMs, source) {
  const load = { acked: [], refusals: [], running: true };
  const done = Promise.all(
    pairs.map(async ([a]) => {
      await sleep(Math.random() * intervalMs);
      while (load.running) {
        const r = await a
          .request("battle:submit", { battle_id: a.battleId, language: "python", source })
          .catch(() => ({ ok: false, error: { code: "TIMEOUT" } }));
        if (r.ok) load.acked.push({ id: r.data.submission_id, at: Date.now(), player: a });
        else load.refusals.push(r);
        await sleep(intervalMs);
      }
    }),
  );
  load.stop = async () => {
    load.running = false;
    await done;
    return { acked: load.acked, refused: tally(load.refusals) };
  };
  return load;
}

/**
 * Waits (up to `timeoutMs`) until every acknowledged submission is judged, then counts in the
 * database how many of them are stored, judged, and judged `IE` (an outage must not become a
 * verdict). Resolves with `{ stored, judged, internalErrors, waitedMs }`.
 */
export async function settle(database, acked, timeoutMs = 600_000) {
  const t0 = Date.now();
  const ids = acked.map((s) => `'${s.id}'`).join(",") || "NULL";
  const count = (where) =>
    Number(psql(database, `SELECT count(*) FROM submissions WHERE id IN (${ids})${where}`));
  const allJudged = async () => (await sleep(1000), count(" AND status = 'judged'") >= acked.length);
  await until(allJudged, "every acknowledged submission judged", timeoutMs).catch(() => {});
  return {
    stored: count(""),
    judged: count(" AND status = 'judged'"),
    internalErrors: count(" AND verdict = 'IE'"),
    waitedMs: Date.now() - t0,
  };
}
