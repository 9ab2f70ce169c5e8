"use client";
// Round robin and Swiss: the players by points, then Buchholz, one table per group.
import Link from "next/link";
import { useEffect, useState } from "react";
import { describeError } from "@/lib/errors";
import { type TournamentStanding, standings } from "@/lib/tournaments";

function Table({ rows, caption }: { rows: TournamentStanding[]; caption: string }) {
  return (
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">Player</th>
          <th scope="col">Played</th>
          <th scope="col">Won</th>
          <th scope="col">Drawn</th>
          <th scope="col">Lost</th>
          <th scope="col">Points</th>
          <th scope="col">Buchholz</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((s, i) => (
          <tr key={s.user_id}>
            <td>{s.rank ?? i + 1}</td>
            <td>
              <Link href={`/profile/?player=${encodeURIComponent(s.name)}`}>{s.name}</Link>
              {s.disqualified && <span className="muted"> (disqualified)</span>}
            </td>
            <td>{s.played}</td>
            <td>{s.wins}</td>
            <td>{s.draws}</td>
            <td>{s.losses}</td>
            <td>{s.points}</td>
            <td>{s.buchholz}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export default function Standings({ id, version }: { id: string; version: string }) {
  const [rows, setRows] = useState<TournamentStanding[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    standings(id).then(setRows, (e) => setError(describeError(e)));
  }, [id, version]);
  if (error) return <p className="error">{error}</p>;
  if (!rows) return <p className="muted">Loading…</p>;
  const groups = [...new Set(rows.map((r) => r.group))].sort((a, b) => a - b);
  return (
    <section className="panel" aria-labelledby="standings-title" style={{ overflowX: "auto" }}>
      <h2 id="standings-title">Standings</h2>
      {groups.map((g) => (
        <Table key={g} rows={rows.filter((r) => r.group === g)} caption={groups.length > 1 ? `Group ${g + 1}` : "All players"} />
      ))}
    </section>
  );
}
