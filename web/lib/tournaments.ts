// Tournaments through the public HTTP API (docs/tournaments.md): the list, one tournament with
// its entrants and schedule, its bracket as brackets-model JSON and its standings.
import { request } from "./api";

export type Format = "single_elimination" | "double_elimination" | "round_robin" | "swiss";

export interface Tournament {
  id: string;
  name: string;
  format: Format;
  state: "draft" | "registration" | "check_in" | "running" | "finished" | "cancelled";
  starts_at: string;
  battle_secs: number;
  registered: number;
  checked_in: number;
}

export interface Entrant {
  user_id: string;
  name: string;
  checked_in: boolean;
  seed: number | null;
}

export interface TournamentMatch {
  id: number;
  group: number;
  round: number;
  number: number;
  status: string;
  players: [string | null, string | null];
  outcome: string | null;
  scheduled_at: string;
  battle_id: string | null;
}

export interface TournamentDetail extends Tournament {
  entrants: Entrant[];
  matches: TournamentMatch[];
}

export interface TournamentStanding {
  user_id: string;
  name: string;
  rank: number | null;
  group: number;
  played: number;
  wins: number;
  draws: number;
  losses: number;
  points: number;
  buchholz: number;
  disqualified: boolean;
}

/** brackets-model's tables, as the server exports them. */
export interface BracketsModel {
  participant: unknown[];
  stage: unknown[];
  group: unknown[];
  round: unknown[];
  match: unknown[];
  match_game: unknown[];
}

/** The payload of the socket event `tournament:match`: one of our matches is about to start. */
export interface MatchNotice {
  tournament_id: string;
  tournament_name: string;
  match_id: number;
  round: number;
  opponent: { id: string; name: string };
  scheduled_at: string;
  starts_in_ms: number;
}

export const FORMAT_NAMES: Record<Format, string> = {
  single_elimination: "Single elimination",
  double_elimination: "Double elimination",
  round_robin: "Round robin",
  swiss: "Swiss",
};

export const STATE_NAMES: Record<Tournament["state"], string> = {
  draft: "Being prepared",
  registration: "Registration open",
  check_in: "Check-in open",
  running: "Running",
  finished: "Finished",
  cancelled: "Cancelled",
};

/** Whether the bracket is drawn by brackets-viewer (elimination) or shown as standings. */
export const isElimination = (f: Format) => f === "single_elimination" || f === "double_elimination";

/** Whether the bracket has been drawn (the bracket and standings exist from then on). */
export const isStarted = (t: Tournament) => t.state === "running" || t.state === "finished";

export function tournaments(): Promise<{ tournaments: Tournament[] }> {
  return request("GET", "/api/tournaments?limit=100");
}

export function tournament(id: string): Promise<TournamentDetail> {
  return request("GET", `/api/tournaments/${encodeURIComponent(id)}`);
}

export function bracket(id: string): Promise<BracketsModel> {
  return request("GET", `/api/tournaments/${encodeURIComponent(id)}/bracket`);
}

export function standings(id: string): Promise<TournamentStanding[]> {
  return request("GET", `/api/tournaments/${encodeURIComponent(id)}/standings`);
}
