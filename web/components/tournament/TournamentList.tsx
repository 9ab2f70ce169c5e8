"use client";
// Every tournament, latest start first, with its format, state and number of players.
import Link from "next/link";
import { useEffect, useState } from "react";
import { describeError } from "@/lib/errors";
import { FORMAT_NAMES, STATE_NAMES, type Tournament, tournaments } from "@/lib/tournaments";

export default function TournamentList() {
  const [list, setList] = useState<Tournament[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    tournaments().then(
      (page) => setList(page.tournaments),
      (e) => setError(describeError(e)),
    );
  }, []);
  if (error) return <p className="error">{error}</p>;
  if (!list) return <p className="muted">Loading…</p>;
  if (list.length === 0) return <p>No tournament yet. Organizers announce them here.</p>;
  return (
    <div className="panel" style={{ overflowX: "auto" }}>
      <table>
        <thead>
          <tr>
            <th scope="col">Tournament</th>
            <th scope="col">Format</th>
            <th scope="col">Starts</th>
            <th scope="col">State</th>
            <th scope="col">Players</th>
          </tr>
        </thead>
        <tbody>
          {list.map((t) => (
            <tr key={t.id}>
              <td>
                <Link href={`/tournament/?id=${t.id}`}>{t.name}</Link>
              </td>
              <td>{FORMAT_NAMES[t.format]}</td>
              <td>{new Date(t.starts_at).toLocaleString()}</td>
              <td>{STATE_NAMES[t.state]}</td>
              <td>{t.registered}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
