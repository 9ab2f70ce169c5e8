// The Socket.IO connection to the battle service (docs/protocol.md). Reconnects with jittered
// exponential backoff so that a restarted server is not hit by every client at once.
import { io, type Socket } from "socket.io-client";
import { AppError } from "./errors";
import { currentToken } from "./tokens";

type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

/**
 * A socket for the signed-in player, not yet connected (`useSocket` connects it while mounted).
 * The handshake asks for the token on every (re)connect, so a refreshed one is used.
 */
export function connect(): Socket {
  const socket = io({
    autoConnect: false,
    auth: (send) => {
      currentToken().then(
        (token) => send({ token, protocol: 1 }),
        () => send({ token: "", protocol: 1 }), // refused as UNAUTHORIZED, shown in words
      );
    },
    reconnectionDelay: 500,
    randomizationFactor: 0.5,
    reconnectionDelayMax: 30_000,
  });
  // A draining server asks us to come back after a random delay: to another instance.
  socket.on("server:draining", ({ reconnect_after_ms }: { reconnect_after_ms: number }) => {
    setTimeout(() => {
      socket.disconnect();
      socket.connect();
    }, reconnect_after_ms);
  });
  return socket;
}

/** Sends an event and resolves with its ack's data, or throws an `AppError` with its code. */
export async function ask<T>(socket: Socket, event: string, payload: object): Promise<T> {
  let ack: Ack<T>;
  try {
    ack = await socket.timeout(20_000).emitWithAck(event, payload);
  } catch {
    throw new AppError("TIMEOUT", `${event}: no answer`);
  }
  if (!ack.ok) throw new AppError(ack.error.code, ack.error.message);
  return ack.data;
}

/** Adds event handlers; returns the function that removes them again. */
export function listen(socket: Socket, handlers: Record<string, (...args: never[]) => void>): () => void {
  for (const [event, handler] of Object.entries(handlers)) socket.on(event, handler as (...args: unknown[]) => void);
  return () => {
    for (const [event, handler] of Object.entries(handlers)) socket.off(event, handler as (...args: unknown[]) => void);
  };
}
