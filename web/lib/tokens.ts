// A valid access token for the API and the socket handshake. A registered player's access token
// lives minutes (JOUST_ACCESS_TOKEN_TTL_SECS): shortly before it expires it is exchanged for a
// new one with the refresh token (which rotates on each use), so long battles do not sign out.
import { AppError } from "./errors";
import { clearSession, loadSession, saveSession } from "./session";

/** Refresh this long before expiry, so a token never expires in flight. */
const MARGIN_MS = 60_000;

function expiresAt(token: string): number {
  try {
    const payload = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    return typeof payload.exp === "number" ? payload.exp * 1000 : Infinity;
  } catch {
    return Infinity;
  }
}

// One refresh at a time: a refresh token used twice revokes the whole session.
let refreshing: Promise<string> | null = null;

async function refresh(refreshToken: string): Promise<string> {
  const res = await fetch("/api/auth/refresh", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ refresh_token: refreshToken }),
  });
  const body = await res.json().catch(() => null);
  const session = loadSession();
  if (!res.ok || !session) {
    clearSession();
    throw new AppError(body?.error?.code ?? "UNAUTHORIZED", "refresh failed");
  }
  saveSession({ ...session, token: body.access_token, refreshToken: body.refresh_token });
  return body.access_token;
}

export async function currentToken(): Promise<string> {
  const session = loadSession();
  if (!session) throw new AppError("UNAUTHORIZED", "not signed in");
  if (!session.refreshToken || expiresAt(session.token) - Date.now() > MARGIN_MS) return session.token;
  refreshing ??= refresh(session.refreshToken).finally(() => {
    refreshing = null;
  });
  return refreshing;
}
