"use client";
// The battle room, for a player or a spectator: both see the statement, the players' progress,
// every verdict, the chat and the result; only a player has the editor.
import dynamic from "next/dynamic";
import { useSearchParams } from "next/navigation";
import type { Session } from "@/lib/session";
import { type Role, useBattleFeed } from "@/lib/useBattleFeed";
import RequireSession from "../RequireSession";
import Chat from "./Chat";
import Clock from "./Clock";
import ConnectionBadge from "./ConnectionBadge";
import Players from "./Players";
import ResultScreen from "./ResultScreen";
import Submissions from "./Submissions";
import Workbench from "./Workbench";
import ErrorAlert from "../ErrorAlert";

// The statement renderer (Markdown, KaTeX) loads after the room's first paint: it is not needed
// during the countdown, and it keeps the room's first load small.
const Statement = dynamic(() => import("./Statement"), {
  ssr: false,
  loading: () => <p className="panel muted">Loading the statement…</p>,
});

function RoomFor({ session, battleId, wanted }: { session: Session; battleId: string; wanted: Role }) {
  const { view, connection, chat, progress, error, socket, role } = useBattleFeed(battleId, session.userId, wanted);
  const playing = role === "play";
  const open = playing && view.problem !== null && view.result === null;
  return (
    <div data-testid="room" data-last-seq={view.lastSeq}>
      <div className="row" style={{ marginBottom: "1rem" }}>
        <h1 style={{ margin: 0 }}>{playing ? "Battle" : "Watching a battle"}</h1>
        <Clock view={view} />
        <ConnectionBadge connection={connection} />
      </div>
      <ErrorAlert message={error} />
      <ResultScreen view={view} me={session.userId} />
      {playing && !view.result && (
        <p className="muted">
          Friends can watch at <a href={`/watch/?id=${battleId}`}>this spectator link</a>.
        </p>
      )}
      <section className="panel" aria-label="Progress">
        <Players view={view} progress={progress} me={session.userId} />
      </section>
      <div className="room">
        <div>
          {view.problem ? (
            <Statement problem={view.problem} />
          ) : (
            <p className="panel muted">The problem is revealed when the countdown ends.</p>
          )}
        </div>
        <div>
          {playing && <Workbench socket={socket} battleId={battleId} open={open} />}
          <Submissions view={view} />
          <Chat lines={chat} socket={socket} battleId={battleId} canWrite={playing && !view.result} />
        </div>
      </div>
    </div>
  );
}

/** `/battle/?id=…` (a player's room) and `/watch/?id=…` (a spectator's). */
export default function Room({ wanted }: { wanted: Role }) {
  const battleId = useSearchParams().get("id");
  if (!battleId) return <p className="error">This link has no battle in it. Go back to the lobby.</p>;
  return (
    <RequireSession>
      {(session) => <RoomFor key={`${battleId}:${wanted}:${session.userId}`} session={session} battleId={battleId} wanted={wanted} />}
    </RequireSession>
  );
}
