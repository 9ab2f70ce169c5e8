// The HTTP API (served by the battle service on the same origin as the pages).
import { AppError } from "./errors";
import type { Session } from "./session";
import { currentToken } from "./tokens";

/** A call to the API; `signedIn` ones carry the player's (refreshed when due) access token. */
export async function request<T>(method: string, path: string, body?: unknown, signedIn = false): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (signedIn) headers.authorization = `Bearer ${await currentToken()}`;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new AppError("NETWORK", "network error");
  }
  const json = await res.json().catch(() => null);
  if (!res.ok) {
    const error = json?.error;
    throw new AppError(error?.code ?? (res.status === 404 ? "NOT_FOUND" : "INTERNAL"), error?.message ?? res.statusText);
  }
  return json as T;
}

interface GuestResponse {
  user_id: string;
  name: string;
  token: string;
}

interface SessionResponse {
  user_id: string;
  handle: string;
  access_token: string;
  refresh_token: string;
}

export async function playAsGuest(name: string): Promise<Session> {
  const r = await request<GuestResponse>("POST", "/api/auth/guest", { name });
  return { userId: r.user_id, name: r.name, token: r.token, guest: true };
}

/** `register` or `login`: both answer with a session. */
export async function signIn(kind: "register" | "login", handle: string, password: string): Promise<Session> {
  const r = await request<SessionResponse>("POST", `/api/auth/${kind}`, { handle, password });
  return { userId: r.user_id, name: r.handle, token: r.access_token, refreshToken: r.refresh_token, guest: false };
}

export interface Standing {
  user_id: string;
  name: string;
  rating: number;
  deviation: number;
  provisional: boolean;
  rated_battles: number;
}

export function leaderboard(): Promise<{ players: Standing[] }> {
  return request("GET", "/api/leaderboard?limit=100", undefined, true);
}

export interface RatingPoint {
  at: string;
  rating: number;
}

export interface RecentBattle {
  battle_id: string;
  finished_at: string;
  problem_slug: string;
  opponent_name: string;
  result: string;
}

export interface Profile {
  id: string;
  name: string;
  rating: number;
  provisional: boolean;
  rating_history: RatingPoint[];
  totals: { battles: number; won: number; lost: number; drawn: number };
  recent_battles: RecentBattle[];
}

export function profile(player: string): Promise<Profile> {
  return request("GET", `/api/players/${encodeURIComponent(player)}`, undefined, true);
}

export interface LiveBattle {
  id: string;
  players: { id: string; name: string; rating: number }[];
  problem_slug: string;
  problem_title: string;
  started_at: string;
  ends_at: string;
}

/** The battles running now, newest first. */
export function liveBattles(): Promise<{ battles: LiveBattle[] }> {
  return request("GET", "/api/battles/live?limit=20", undefined, true);
}
