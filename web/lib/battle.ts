// A battle as the screen draws it, folded from the battle's event log (docs/protocol.md,
// "Server events"). Events carry a `seq` that increases by one; `fold` is pure, so applying
// the log from the start, or resuming after a reconnect, yields the same screen.

export interface Player {
  id: string;
  name: string;
}

export interface Problem {
  slug: string;
  title: string;
  statement: string;
  time_limit_ms: number;
  memory_limit_mb: number;
  samples: { input: string; output: string }[];
}

export interface RatingChange {
  user_id: string;
  rating_before: number;
  rating_after: number;
  delta: number;
}

interface EventData {
  players?: Player[];
  starts_at?: string;
  ends_at?: string;
  problem?: Problem;
  submission_id?: string;
  user_id?: string;
  language?: string;
  verdict?: string;
  passed_tests?: number;
  total_tests?: number;
  time_ms?: number;
  grace_ms?: number;
  outcome?: string;
  winner_id?: string | null;
  reason?: string;
  ratings?: RatingChange[];
}

export interface BattleEvent {
  battle_id: string;
  seq: number;
  type: string;
  at: string;
  data: EventData;
}

export interface Submission {
  id: string;
  userId: string;
  language: string;
  verdict?: string;
  passed?: number;
  total?: number;
  timeMs?: number;
  delayed?: boolean;
}

export interface Result {
  outcome: string;
  winnerId: string | null;
  reason?: string;
  ratings: RatingChange[];
}

export interface BattleView {
  lastSeq: number;
  players: Player[];
  startsAt?: string;
  endsAt?: string;
  problem: Problem | null;
  submissions: Submission[];
  /** Players whose connection dropped, with when their seat is given up (ms since epoch). */
  away: Record<string, number>;
  result: Result | null;
}

export const EMPTY: BattleView = { lastSeq: 0, players: [], problem: null, submissions: [], away: {}, result: null };

function updateSubmission(view: BattleView, id: string, change: Partial<Submission>): Submission[] {
  return view.submissions.map((s) => (s.id === id ? { ...s, ...change } : s));
}

export function fold(view: BattleView, event: BattleEvent): BattleView {
  const d = event.data;
  const next = { ...view, lastSeq: event.seq };
  switch (event.type) {
    case "battle.created":
      return { ...next, players: d.players ?? [], startsAt: d.starts_at, endsAt: d.ends_at };
    case "battle.started":
      return { ...next, problem: d.problem ?? null };
    case "submission.received":
      return {
        ...next,
        submissions: [...view.submissions, { id: d.submission_id!, userId: d.user_id!, language: d.language ?? "" }],
      };
    case "submission.judged":
      return {
        ...next,
        submissions: updateSubmission(view, d.submission_id!, {
          verdict: d.verdict,
          passed: d.passed_tests,
          total: d.total_tests,
          timeMs: d.time_ms,
          delayed: false,
        }),
      };
    case "judging.delayed":
      return { ...next, submissions: updateSubmission(view, d.submission_id!, { delayed: true }) };
    case "battle.extended":
      return { ...next, endsAt: d.ends_at };
    case "player.disconnected":
      return { ...next, away: { ...view.away, [d.user_id!]: Date.parse(event.at) + (d.grace_ms ?? 0) } };
    case "player.reconnected": {
      const away = { ...view.away };
      delete away[d.user_id!];
      return { ...next, away };
    }
    case "battle.finished":
      return {
        ...next,
        away: {},
        result: { outcome: d.outcome ?? "", winnerId: d.winner_id ?? null, reason: d.reason, ratings: d.ratings ?? [] },
      };
    default:
      return next;
  }
}

/** The best test count a player's submissions reached, for the progress bars. */
export function bestPassed(view: BattleView, userId: string): { passed: number; total: number } {
  let best = { passed: 0, total: 0 };
  for (const s of view.submissions) {
    if (s.userId === userId && s.total !== undefined && (s.passed ?? 0) >= best.passed) {
      best = { passed: s.passed ?? 0, total: s.total };
    }
  }
  return best;
}
