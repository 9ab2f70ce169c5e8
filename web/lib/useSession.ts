"use client";
// The signed-in player for components; re-renders when another tab signs in or out.
import { useSyncExternalStore } from "react";
import { type Session, loadSession } from "./session";

let cachedRaw: string | null = null;
let cached: Session | null = null;

function snapshot(): Session | null {
  const raw = window.localStorage.getItem("joust.session");
  if (raw !== cachedRaw) {
    cachedRaw = raw;
    cached = loadSession();
  }
  return cached;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener("storage", onChange);
  window.addEventListener("joust:session", onChange);
  return () => {
    window.removeEventListener("storage", onChange);
    window.removeEventListener("joust:session", onChange);
  };
}

/** `undefined` while prerendering (no localStorage), then the session or `null`. */
export function useSession(): Session | null | undefined {
  return useSyncExternalStore(subscribe, snapshot, () => undefined);
}
