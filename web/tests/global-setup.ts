// Starts executor, judge and a battle service that serves the built app (web/out) on a fresh
// database and Redis prefix, shared by every test; stops them and drops both afterwards.
import path from "node:path";

export default async function globalSetup() {
  const harness = path.resolve(__dirname, "../../services/e2e/harness.mjs");
  const { startStack } = await import(harness);
  const stack = await startStack({
    countdownMs: 1500,
    // Short-lived access tokens, so that a test sees the app renew one.
    battleEnv: { JOUST_WEB_DIR: path.resolve(__dirname, "../out"), JOUST_ACCESS_TOKEN_TTL_SECS: "65" },
  });
  process.env.JOUST_WEB_URL = stack.battle;
  return async () => {
    await stack.stop();
  };
}
