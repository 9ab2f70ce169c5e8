"use client";
// Find a match, challenge a friend with a link, accept a challenge link, watch a running battle,
// and see who is online.
import { useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import type { BattleEvent } from "@/lib/battle";
import { describeConnectError } from "@/lib/errors";
import type { Session } from "@/lib/session";
import { listen } from "@/lib/socket";
import { useSocket } from "@/lib/useSocket";
import Challenge from "./Challenge";
import FindMatch from "./FindMatch";
import LiveBattles from "./LiveBattles";
import Online from "./Online";
import RequireSession from "./RequireSession";
import Spectate from "./Spectate";
import ErrorAlert from "./ErrorAlert";

function LobbyFor({ session }: { session: Session }) {
  const router = useRouter();
  const code = useSearchParams().get("challenge");
  const socket = useSocket(session.userId);
  const [error, setError] = useState<string | null>(null);

  useEffect(
    () =>
      listen(socket, {
        // A battle of ours was created (matched, or our challenge accepted): go to its room.
        "battle:event": (e: BattleEvent) => {
          if (e.type === "battle.created") router.push(`/battle/?id=${e.battle_id}`);
        },
        connect: () => setError(null),
        connect_error: (e: Error) => setError(describeConnectError(e.message)),
      }),
    [socket, router],
  );

  return (
    <>
      <ErrorAlert message={error} />
      <div className="grid">
        <FindMatch socket={socket} />
        <Challenge socket={socket} code={code} onJoined={(id) => router.push(`/battle/?id=${id}`)} />
        <LiveBattles />
        <Spectate />
        <Online socket={socket} />
      </div>
    </>
  );
}

export default function Lobby() {
  return <RequireSession>{(session) => <LobbyFor key={session.userId} session={session} />}</RequireSession>;
}
