"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { clearSession } from "@/lib/session";
import { useSession } from "@/lib/useSession";
import ThemeToggle from "./ThemeToggle";

export default function Nav() {
  const session = useSession();
  const router = useRouter();
  return (
    <nav className="top" aria-label="Main">
      <Link className="brand" href="/">
        Joust
      </Link>
      <Link href="/lobby/">Lobby</Link>
      <Link href="/tournaments/">Tournaments</Link>
      <Link href="/leaderboard/">Leaderboard</Link>
      {session && <Link href={`/profile/?player=${encodeURIComponent(session.name)}`}>Profile</Link>}
      <span className="spacer" />
      {session && (
        <span className="muted" data-testid="me">
          {session.name}
        </span>
      )}
      {session && (
        <button
          className="secondary"
          onClick={() => {
            clearSession();
            router.push("/");
          }}
        >
          Sign out
        </button>
      )}
      <ThemeToggle />
    </nav>
  );
}
