// Floods against a real battle service with its production limits: one player's bursts of
// creates, submits and accepts are refused with RATE_LIMITED (and a retry hint) before they
// reach the database, the open-challenge cap holds, another player's login stays fast, and a
// flood of bad-token handshakes from one address neither spends anyone's connection allowance
// nor stops clients at other addresses.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import { startStack, guest, connectAs, metric, psql, tally, assertRetryHints } from "../harness.mjs";
import { WRONG_PYTHON } from "../solutions.mjs";

let stack;
before(async () => {
  stack = await startStack({ judge: false, limits: "production", countdownMs: 300 });
});
after(() => stack?.stop());

test("300 challenge:create in a burst: most are rate limited, at most the cap are open", async () => {
  const ada = await connectAs(stack.battle, await guest(stack.battle, "ada"));
  try {
    const acks = await Promise.all(Array.from({ length: 300 }, () => ada.request("challenge:create", {})));
    const codes = tally(acks);
    assert.ok((codes.OK ?? 0) <= 5, JSON.stringify(codes));
    assert.ok((codes.RATE_LIMITED ?? 0) >= 290, JSON.stringify(codes));
    assert.deepEqual(
      Object.keys(codes).filter((c) => !["OK", "RATE_LIMITED", "TOO_MANY_IN_FLIGHT", "TOO_MANY_CHALLENGES"].includes(c)),
      [],
      JSON.stringify(codes),
    );
    assertRetryHints(acks);
    const open = Number(psql(stack.database, `SELECT count(*) FROM challenges WHERE creator_id = '${ada.userId}' AND status = 'open'`));
    assert.ok(open <= 5, `${open} open challenges`);
    let limited = 0;
    for (const limit of ["user_rate", "socket_rate", "in_flight"]) {
      limited += await metric(stack.battle, "socket_events_limited_total", `class="create",limit="${limit}"`);
    }
    assert.equal(limited, (codes.RATE_LIMITED ?? 0) + (codes.TOO_MANY_IN_FLIGHT ?? 0));
  } finally {
    ada.socket.close();
  }
});

test("40 submits in half a second are rate limited", async () => {
  const bo = await connectAs(stack.battle, await guest(stack.battle, "bo"));
  const cy = await connectAs(stack.battle, await guest(stack.battle, "cy"));
  try {
    const { code } = (await bo.request("challenge:create", {})).data;
    const battleId = (await cy.request("challenge:accept", { code })).data.battle_id;
    await cy.waitFor((e) => e.type === "battle.started");
    const pending = [];
    for (let i = 0; i < 40; i++) {
      pending.push(cy.request("battle:submit", { battle_id: battleId, language: "python", source: WRONG_PYTHON, idempotency_key: `k${i}` }));
      await new Promise((r) => setTimeout(r, 12));
    }
    const codes = tally(await Promise.all(pending));
    assert.ok((codes.OK ?? 0) <= 6, JSON.stringify(codes));
    assert.ok((codes.RATE_LIMITED ?? 0) >= 34, JSON.stringify(codes));
    const stored = Number(psql(stack.database, `SELECT count(*) FROM submissions WHERE battle_id = '${battleId}'`));
    assert.equal(stored, codes.OK ?? 0);
  } finally {
    bo.socket.close();
    cy.socket.close();
  }
});

test("5,000 accepts from one socket leave another player's login fast and working", async () => {
  const flooder = await connectAs(stack.battle, await guest(stack.battle, "flooder"));
  try {
    // 5,000 accepts, 100 at a time: as many as the connection's send buffer holds acks for (a
    // burst beyond it is about ack delivery, tested on its own).
    const flood = (async () => {
      const acks = [];
      for (let batch = 0; batch < 50; batch++) {
        const sent = Array.from({ length: 100 }, (_, i) => flooder.request("challenge:accept", { code: `NOPE${i}` }));
        acks.push(...(await Promise.all(sent)));
      }
      return acks;
    })();
    const timings = [];
    for (let i = 0; i < 10; i++) {
      const started = performance.now();
      const player = await guest(stack.battle, `erin-${i}`);
      const connected = await connectAs(stack.battle, player);
      timings.push(performance.now() - started);
      connected.socket.close();
    }
    const codes = tally(await flood);
    assert.equal(codes.INTERNAL, undefined, JSON.stringify(codes));
    assert.equal(codes.BUSY, undefined, JSON.stringify(codes));
    assert.ok((codes.RATE_LIMITED ?? 0) + (codes.TOO_MANY_IN_FLIGHT ?? 0) >= 4900, JSON.stringify(codes));
    // A bound with room for a shared, debug-built machine: before the limits, logins took 1–4 s.
    assert.ok(Math.max(...timings) < 1000, `login and connect took ${timings.map(Math.round).join(", ")} ms`);
  } finally {
    flooder.socket.close();
  }
});

test("payloads that are not objects are refused", async () => {
  const dee = await connectAs(stack.battle, await guest(stack.battle, "dee"));
  try {
    for (const [event, payload] of [
      ["challenge:accept", ["ABCDEFGH"]],
      ["challenge:create", []],
      ["battle:state", "x"],
    ]) {
      const ack = await dee.request(event, payload);
      assert.equal(ack.error?.code, "INVALID_PAYLOAD", `${event} ${JSON.stringify(payload)}`);
    }
  } finally {
    dee.socket.close();
  }
});

test("bad-token handshakes spend only their own address's allowance", async () => {
  // Behind a trusted proxy (the test itself, on 127.0.0.1), X-Forwarded-For names the client.
  const proxied = await startStack({
    judge: false,
    limits: "production",
    battleEnv: {
      JOUST_TRUSTED_PROXIES: "127.0.0.1",
      JOUST_HANDSHAKE_RATE: "0.1",
      JOUST_HANDSHAKE_BURST: "5",
      JOUST_HANDSHAKE_FAILURE_RATE: "0.2",
    },
  });
  const handshake = (address, token) => {
    const socket = io(proxied.battle, {
      auth: { token, protocol: 1 },
      transports: ["polling"],
      extraHeaders: { "x-forwarded-for": address },
      reconnection: false,
      forceNew: true,
    });
    return new Promise((resolve) => {
      socket.once("connect", () => resolve({ socket, result: "connected" }));
      socket.once("connect_error", (e) => resolve({ socket, result: e.message }));
    });
  };
  const sockets = [];
  const attempt = async (address, token) => {
    const { socket, result } = await handshake(address, token);
    sockets.push(socket);
    return result;
  };
  try {
    const user = await guest(proxied.battle, "user");
    // An anonymous flood from one address.
    const flood = [];
    for (let batch = 0; batch < 10; batch++) {
      flood.push(...(await Promise.all(Array.from({ length: 20 }, () => attempt("10.0.0.66", "forged")))));
    }
    assert.ok(flood.every((r) => /^(UNAUTHORIZED|RATE_LIMITED)/.test(r)), flood.join(" | "));
    assert.ok(flood.filter((r) => r.startsWith("RATE_LIMITED")).length >= 150, "the flooding address is throttled");
    // That address is now refused even with a good token; other addresses are not affected.
    assert.match(await attempt("10.0.0.66", user.token), /^RATE_LIMITED: too many refused connections/);
    for (let i = 0; i < 5; i++) assert.equal(await attempt("10.0.0.7", user.token), "connected");
    // Bad tokens from an address do not spend its connection allowance: 5 good ones still fit.
    for (let i = 0; i < 10; i++) assert.match(await attempt("10.0.0.8", "forged"), /^UNAUTHORIZED/);
    for (let i = 0; i < 5; i++) assert.equal(await attempt("10.0.0.8", user.token), "connected");
    assert.match(await attempt("10.0.0.8", user.token), /^RATE_LIMITED: too many connections/);
    assert.ok((await metric(proxied.battle, "handshakes_rejected_total", 'reason="failures"')) >= 150);
  } finally {
    for (const s of sockets) s.close();
    await proxied.stop();
  }
});

test("events beyond the in-flight cap of a connection are refused at once", async () => {
  const capped = await startStack({ judge: false, battleEnv: { JOUST_SOCKET_MAX_IN_FLIGHT: "2" } });
  const eve = await connectAs(capped.battle, await guest(capped.battle, "eve"));
  try {
    const battleId = "00000000-0000-4000-8000-000000000000";
    const codes = tally(await Promise.all(Array.from({ length: 50 }, () => eve.request("battle:state", { battle_id: battleId }))));
    assert.ok((codes.TOO_MANY_IN_FLIGHT ?? 0) >= 1, JSON.stringify(codes));
    assert.ok((codes.BATTLE_NOT_FOUND ?? 0) >= 2, JSON.stringify(codes));
    assert.deepEqual(Object.keys(codes).sort(), ["BATTLE_NOT_FOUND", "TOO_MANY_IN_FLIGHT"]);
    assert.equal(
      await metric(capped.battle, "socket_events_limited_total", 'class="read",limit="in_flight"'),
      codes.TOO_MANY_IN_FLIGHT,
    );
  } finally {
    eve.socket.close();
    await capped.stop();
  }
});
