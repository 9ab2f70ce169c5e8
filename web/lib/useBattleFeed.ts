"use client";
// One battle's live feed over its own socket: the event log (resumed from the last seq seen
// after every reconnect, duplicates dropped, gaps filled), chat lines and opponent progress.
import { useEffect, useState } from "react";
import { type BattleEvent, type BattleView, EMPTY, fold } from "./battle";
import { AppError, describeConnectError, describeError } from "./errors";
import { ask, listen } from "./socket";
import { useSocket } from "./useSocket";

export type Connection = "connecting" | "connected" | "reconnecting" | "offline";
export type Role = "play" | "watch";

export interface ChatLine {
  seq: number;
  userId: string;
  name: string;
  text: string;
}

export interface Progress {
  typing?: boolean | null;
  passed?: number | null;
  total?: number | null;
}

interface ProgressMessage {
  battle_id: string;
  user_id: string;
  typing: boolean | null;
  passed_tests: number | null;
  total_tests: number | null;
}

/** The feed of `battleId` for the signed-in player `userId`, as a player or a spectator. */
export function useBattleFeed(battleId: string, userId: string, wanted: Role) {
  const [view, setView] = useState<BattleView>(EMPTY);
  const [connection, setConnection] = useState<Connection>("connecting");
  const [chat, setChat] = useState<ChatLine[]>([]);
  const [progress, setProgress] = useState<Record<string, Progress>>({});
  const [error, setError] = useState<string | null>(null);
  const [role, setRole] = useState<Role>(wanted);
  const socket = useSocket(userId);

  useEffect(() => {
    let seen = 0;
    let current: Role = wanted;
    let catching = false;
    let again = false;

    const accept = (events: BattleEvent[]) => {
      const fresh: BattleEvent[] = [];
      for (const e of [...events].sort((a, b) => a.seq - b.seq)) {
        if (e.seq <= seen) continue; // already applied: a duplicate from a resume
        if (e.seq !== seen + 1) {
          void catchUp(); // a gap: fetch what is missing before going on
          break;
        }
        fresh.push(e);
        seen = e.seq;
      }
      if (fresh.length) setView((v) => fresh.reduce(fold, v));
    };

    // Players resume their own battle; anyone else spectates it (which also joins its room).
    const catchUp = async (): Promise<void> => {
      if (catching) {
        again = true;
        return;
      }
      catching = true;
      try {
        do {
          again = false;
          const event = current === "play" ? "battle:resume" : "battle:spectate";
          const { events } = await ask<{ events: BattleEvent[] }>(socket, event, { battle_id: battleId, last_seq: seen });
          accept(events);
        } while (again);
        // Caught up: also when the socket was already connected (shared with the lobby).
        setConnection("connected");
      } catch (e) {
        if (e instanceof AppError && e.code === "NOT_A_PARTICIPANT" && current === "play") {
          current = "watch";
          setRole("watch");
          again = true;
        } else {
          setError(describeError(e));
        }
      } finally {
        catching = false;
      }
      if (again) return catchUp();
    };

    const stop = listen(socket, {
      connect: () => {
        setConnection("connected");
        setError(null);
        void catchUp();
      },
      disconnect: () => setConnection("reconnecting"),
      connect_error: (e: Error) => {
        // A refused handshake (bad token) is final; a network error is retried by the client.
        setConnection(socket.active ? "reconnecting" : "offline");
        setError(describeConnectError(e.message));
      },
      "battle:event": (e: BattleEvent) => {
        if (e.battle_id === battleId) accept([e]);
      },
      "chat:message": (m: { battle_id: string; seq: number; user_id: string; name: string; text: string }) => {
        if (m.battle_id !== battleId) return;
        setChat((lines) =>
          lines.some((l) => l.seq === m.seq) ? lines : [...lines, { seq: m.seq, userId: m.user_id, name: m.name, text: m.text }],
        );
      },
      "battle:progress": (p: ProgressMessage) => {
        if (p.battle_id !== battleId) return;
        setProgress((all) => {
          const was = all[p.user_id] ?? {};
          return {
            ...all,
            [p.user_id]: { typing: p.typing, passed: p.passed_tests ?? was.passed, total: p.total_tests ?? was.total },
          };
        });
      },
    });
    if (socket.connected) void catchUp();
    return stop;
  }, [socket, battleId, wanted]);

  return { view, connection, chat, progress, error, socket, role };
}
