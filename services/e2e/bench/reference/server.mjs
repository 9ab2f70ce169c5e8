// The reference of the real-time benchmark: a plain Node.js Socket.IO 4 server with the official
// Redis adapter, speaking the subset of Joust's protocol the benchmark uses. `battle:join` puts
// the socket in a battle's room; `chat:send` checks the socket is in that room and emits
// `chat:message` to it on every instance, like Joust's `chat:send`. The handshake's `auth.token`
// is taken as the user id: the reference has no accounts.
//
//   PORT=4000 REDIS_URL=redis://127.0.0.1:6379 REDIS_KEY=prefix node server.mjs
import { createServer } from "node:http";
import { Server } from "socket.io";
import { createAdapter } from "@socket.io/redis-adapter";
import { createClient } from "redis";

const port = Number(process.env.PORT ?? 4000);
const pub = createClient({ url: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" });
const sub = pub.duplicate();
await Promise.all([pub.connect(), sub.connect()]);

const http = createServer();
const io = new Server(http, {
  transports: ["websocket"],
  adapter: createAdapter(pub, sub, { key: process.env.REDIS_KEY ?? "socket.io" }),
});

const room = (battleId) => `battle:${battleId}`;

io.on("connection", (socket) => {
  const userId = String(socket.handshake.auth?.token ?? socket.id);
  socket.on("battle:join", (payload, ack) => {
    if (typeof payload?.battle_id !== "string") return ack?.({ ok: false, error: { code: "INVALID_PAYLOAD" } });
    socket.join(room(payload.battle_id));
    ack?.({ ok: true, data: {} });
  });
  socket.on("chat:send", (payload, ack) => {
    const battleId = payload?.battle_id;
    if (typeof battleId !== "string" || typeof payload.text !== "string") {
      return ack?.({ ok: false, error: { code: "INVALID_PAYLOAD" } });
    }
    if (!socket.rooms.has(room(battleId))) return ack?.({ ok: false, error: { code: "NOT_A_PARTICIPANT" } });
    const at = new Date().toISOString();
    io.to(room(battleId)).emit("chat:message", { battle_id: battleId, user_id: userId, text: payload.text, at });
    ack?.({ ok: true, data: { at } });
  });
});

http.listen(port, "127.0.0.1", () => process.stdout.write(`listening ${port}\n`));
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(0));
