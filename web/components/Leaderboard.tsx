"use client";
import Link from "next/link";
import { useEffect, useState } from "react";
import { type Standing, leaderboard } from "@/lib/api";
import { describeError } from "@/lib/errors";
import type { Session } from "@/lib/session";
import RequireSession from "./RequireSession";

function Table({ session }: { session: Session }) {
  const [players, setPlayers] = useState<Standing[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    leaderboard().then(
      (page) => setPlayers(page.players),
      (e) => setError(describeError(e)),
    );
  }, [session.userId]);
  if (error) return <p className="error">{error}</p>;
  if (!players) return <p className="muted">Loading…</p>;
  if (players.length === 0) return <p>Nobody has a rating yet: play a battle to be the first.</p>;
  return (
    <div className="panel" style={{ overflowX: "auto" }}>
      <table>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Player</th>
            <th scope="col">Rating</th>
            <th scope="col">Battles</th>
          </tr>
        </thead>
        <tbody>
          {players.map((p, i) => (
            <tr key={p.user_id}>
              <td>{i + 1}</td>
              <td>
                <Link href={`/profile/?player=${encodeURIComponent(p.name)}`}>{p.name}</Link>
              </td>
              <td>
                {p.rating}
                {p.provisional ? <span className="muted"> (provisional)</span> : null}
              </td>
              <td>{p.rated_battles}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function Leaderboard() {
  return <RequireSession>{(session) => <Table session={session} />}</RequireSession>;
}
