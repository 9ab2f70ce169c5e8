// Tournaments through the public API, for the end-to-end tests: registered accounts, an
// organizer granted by the operator's command, a tournament created, filled and started, and
// scripted bots that play the battles the scheduler gives them.
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { binDir, connectAs, pgPort } from "./harness.mjs";
import { RIGHT_PYTHON } from "./solutions.mjs";

/**
 * Battle settings for tournaments with short rounds (under a minute: development mode only), a
 * quick scheduler and cheap password hashing, on top of the harness's lifted limits.
 */
export const TOURNAMENT_ENV = {
  JOUST_DEV_MODE: "true",
  JOUST_TOURNAMENT_MIN_SECS: "1",
  JOUST_TOURNAMENT_TICK_MS: "100",
  JOUST_TOURNAMENT_NOTICE_MS: "500",
  JOUST_TOURNAMENT_ACTIONS_PER_MIN: "100000",
  JOUST_TOURNAMENT_READS_PER_SEC: "100000",
  JOUST_AUTH_IP_RATE: "off",
  JOUST_AUTH_HANDLE_RATE: "off",
  JOUST_ARGON2_MEMORY_KIB: "1024",
  JOUST_ARGON2_ITERATIONS: "1",
};

/** `fetch` of the battle service's API with a JSON body and an optional bearer token. */
export async function api(url, method, path, token, body) {
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** `api`, failing unless the answer has `status`. */
export async function ok(url, method, path, token, body, status = 200) {
  const res = await api(url, method, path, token, body);
  if (res.status !== status) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A registered account: `{ name, userId, token }`. */
export async function register(url, prefix) {
  const handle = `${prefix}-${randomUUID().slice(0, 8)}`;
  const session = await ok(url, "POST", "/api/auth/register", null, { handle, password: "correct horse battery" }, 201);
  return { name: handle, userId: session.user_id, token: session.access_token };
}

/** Grants `handle` the organizer role with the operator's command, on the stack's database. */
export function grantOrganizer(stack, handle) {
  execFileSync(`${binDir}/joust-battle`, ["admin", "grant", handle, "organizer"], {
    env: { ...process.env, JOUST_DATABASE_URL: `postgres://postgres@127.0.0.1:${pgPort()}/${stack.database}` },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

/** The id of the seeded problem every tournament plays. */
export async function seededProblem(url) {
  const problems = await ok(url, "GET", "/api/problems");
  return problems.find((p) => p.slug === "sum-of-two").id;
}

/**
 * Creates a tournament with `settings` (format fields; they may override the defaults below),
 * registers and checks in `players` and starts it, seeded in their order. Returns its id. By
 * default it started an hour ago with 30-second rounds and battles, so every round is past due
 * and each match starts as soon as its players are known and free (one notice period later).
 */
export async function startTournament(url, organizer, players, settings) {
  const body = {
    name: "Bots cup",
    problem_pool: [await seededProblem(url)],
    starts_at: new Date(Date.now() - 3_600_000).toISOString(),
    round_interval_secs: 30,
    battle_secs: 30,
    ...settings,
  };
  const { id } = await ok(url, "POST", "/api/tournaments", organizer.token, body, 201);
  const base = `/api/tournaments/${id}`;
  await ok(url, "POST", `${base}/open-registration`, organizer.token);
  for (const p of players) await ok(url, "POST", `${base}/registration`, p.token);
  await ok(url, "POST", `${base}/open-check-in`, organizer.token);
  for (const p of players) await ok(url, "POST", `${base}/check-in`, p.token);
  await ok(url, "POST", `${base}/start`, organizer.token, { seeding: "manual", order: players.map((p) => p.userId) });
  return id;
}

/**
 * Decides every battle once, for both of its bots: the stronger player (earlier in `ranking`)
 * wins, except that a player in `upsets` loses that many of its first battles.
 */
export class Referee {
  constructor(ranking, upsets = {}) {
    this.rank = new Map(ranking.map((p, i) => [p.userId, i]));
    this.upsets = new Map(Object.entries(upsets));
    this.decided = new Map();
  }

  winner(battleId, [a, b]) {
    if (!this.decided.has(battleId)) {
      let [strong, weak] = this.rank.get(a) < this.rank.get(b) ? [a, b] : [b, a];
      const left = this.upsets.get(strong) ?? 0;
      if (left > 0) {
        this.upsets.set(strong, left - 1);
        [strong, weak] = [weak, strong];
      }
      this.decided.set(battleId, strong);
    }
    return this.decided.get(battleId);
  }
}

/**
 * Connects `player` as a bot: it keeps the `tournament:match` notices it gets, and in each
 * battle either submits an accepted solution once the problem is revealed (when the referee
 * says it wins) or, losing, resigns (`resigns`) or waits for the opponent's accepted one.
 */
export async function bot(url, player, referee, { resigns }) {
  const connected = await connectAs(url, player);
  connected.notices = [];
  connected.socket.on("tournament:match", (notice) => connected.notices.push(notice));
  const winners = new Map();
  connected.socket.on("battle:event", async (event) => {
    if (event.type === "battle.created") {
      winners.set(event.battle_id, referee.winner(event.battle_id, event.data.players.map((p) => p.id)));
    } else if (event.type === "battle.started") {
      const battle_id = event.battle_id;
      if (winners.get(battle_id) === player.userId) {
        // BATTLE_FINISHED: the opponent resigned first.
        const ack = await connected.request("battle:submit", { battle_id, language: "python", source: RIGHT_PYTHON });
        if (!ack.ok && ack.error.code !== "BATTLE_FINISHED") console.error(`${player.name}: submit refused`, ack.error);
      } else if (resigns) {
        const ack = await connected.request("battle:resign", { battle_id });
        if (!ack.ok && ack.error.code !== "BATTLE_FINISHED") console.error(`${player.name}: resign refused`, ack.error);
      }
    }
  });
  return connected;
}

/** Resolves with the tournament once it is `finished`; polls its detail. */
export async function finished(url, id, timeoutMs = 240_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const t = await ok(url, "GET", `/api/tournaments/${id}`);
    if (t.state === "finished") return t;
    if (Date.now() > deadline) throw new Error(`tournament ${id} did not finish: ${JSON.stringify(t.matches)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
