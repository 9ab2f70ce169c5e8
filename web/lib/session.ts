// The signed-in player, kept in localStorage so that a reload (or a second tab) stays signed in.

export interface Session {
  userId: string;
  name: string;
  token: string;
  /** Only registered players have one; guests sign in again by name. */
  refreshToken?: string;
  guest: boolean;
}

const KEY = "joust.session";

export function loadSession(): Session | null {
  if (typeof window === "undefined") return null;
  try {
    const raw = window.localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  window.localStorage.setItem(KEY, JSON.stringify(session));
  window.dispatchEvent(new Event("joust:session"));
}

export function clearSession(): void {
  window.localStorage.removeItem(KEY);
  window.dispatchEvent(new Event("joust:session"));
}
