"use client";
// The player's socket, shared by the sections of a page and kept across client-side navigation
// (lobby to battle room): closing it in between would tell the opponent we left the battle.
import { useEffect, useState } from "react";
import type { Socket } from "socket.io-client";
import { connect } from "./socket";

/** How long an unused socket stays open, for the next page to pick it up. */
const LINGER_MS = 5_000;

let shared: { userId: string; socket: Socket; users: number; timer?: ReturnType<typeof setTimeout> } | null = null;

function socketFor(userId: string): Socket {
  if (shared?.userId !== userId) {
    shared?.socket.disconnect();
    shared = { userId, socket: connect(), users: 0 };
  }
  return shared.socket;
}

/** The socket of the player `userId` (the signed-in one). */
export function useSocket(userId: string): Socket {
  const [socket] = useState(() => socketFor(userId));
  useEffect(() => {
    const entry = shared?.socket === socket ? shared : null;
    if (entry) {
      entry.users += 1;
      clearTimeout(entry.timer);
    }
    socket.connect();
    return () => {
      if (!entry) {
        socket.disconnect();
        return;
      }
      entry.users -= 1;
      if (entry.users === 0) {
        entry.timer = setTimeout(() => {
          socket.disconnect();
          if (shared === entry) shared = null;
        }, LINGER_MS);
      }
    };
  }, [socket]);
  return socket;
}
