"use client";
import type { Connection } from "@/lib/useBattleFeed";

const TEXT: Record<Connection, string> = {
  connecting: "Connecting…",
  connected: "Connected",
  reconnecting: "Reconnecting…",
  offline: "Offline",
};

export default function ConnectionBadge({ connection }: { connection: Connection }) {
  const tone = connection === "connected" ? "good" : connection === "offline" ? "bad" : "warn";
  return (
    <span className={`badge ${tone}`} role="status" data-testid="connection">
      {TEXT[connection]}
    </span>
  );
}
