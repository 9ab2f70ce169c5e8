"use client";
import Link from "next/link";
import { useEffect, useState } from "react";
import type { Socket } from "socket.io-client";
import { describeError } from "@/lib/errors";
import { ask } from "@/lib/socket";

interface Presence {
  count: number;
  players: { id: string; name: string; state: "idle" | "queued" | "in_battle" }[];
}

const STATE = { idle: "in the lobby", queued: "looking for a match", in_battle: "in a battle" };

/** Who is online, refreshed every few seconds. */
export default function Online({ socket }: { socket: Socket }) {
  const [presence, setPresence] = useState<Presence | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const load = () =>
      ask<Presence>(socket, "lobby:presence", { limit: 50 }).then(
        (p) => {
          setPresence(p);
          setError(null);
        },
        (e) => setError(describeError(e)),
      );
    const first = setTimeout(load, 0);
    const timer = setInterval(load, 10_000);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [socket]);

  return (
    <section className="panel" aria-labelledby="online">
      <h2 id="online">Online now{presence ? ` (${presence.count})` : ""}</h2>
      {error && <p className="error">{error}</p>}
      <ul className="plain">
        {presence?.players.map((p) => (
          <li key={p.id}>
            <Link href={`/profile/?player=${encodeURIComponent(p.name)}`}>{p.name}</Link>{" "}
            <span className="muted">{STATE[p.state]}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
