"use client";
// Pages that need a player: sends a visitor who has not signed in to the sign-in page.
import Link from "next/link";
import type { Session } from "@/lib/session";
import { useSession } from "@/lib/useSession";

export default function RequireSession({ children }: { children: (session: Session) => React.ReactNode }) {
  const session = useSession();
  if (session === undefined) return <p className="muted">Loading…</p>;
  if (session === null) {
    return (
      <p>
        Please <Link href="/">sign in or play as a guest</Link> first.
      </p>
    );
  }
  return <>{children(session)}</>;
}
