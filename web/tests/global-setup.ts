// Starts executor, judge and a battle service that serves the built app (web/out) on a fresh
// database and Redis prefix, shared by every test; stops them and drops both afterwards.
import path from "node:path";

export default async function globalSetup() {
  const harness = path.resolve(__dirname, "../../services/e2e/harness.mjs");
  const { startStack, psql } = await import(harness);
  const stack = await startStack({
    countdownMs: 1500,
    // Short-lived access tokens, so that a test sees the app renew one.
    // Accounts are registered through the API by the tournament tests, faster than a person would.
    battleEnv: {
      JOUST_WEB_DIR: path.resolve(__dirname, "../out"),
      JOUST_ACCESS_TOKEN_TTL_SECS: "65",
      JOUST_AUTH_IP_RATE: "off",
      // Tournament rounds of seconds (development mode only) and a quick scheduler.
      JOUST_DEV_MODE: "true",
      JOUST_TOURNAMENT_MIN_SECS: "1",
      JOUST_TOURNAMENT_TICK_MS: "200",
      JOUST_TOURNAMENT_NOTICE_MS: "3000",
    },
  });
  // The seeded problem's statement, with the TeX math that imported statements keep.
  psql(
    stack.database,
    "UPDATE problems SET statement = $s$Read two integers $a$ and $b$ ($|a|, |b| \\le 10^{18}$) " +
      "separated by whitespace and print $a + b$.$s$ WHERE slug = 'sum-of-two'",
  );
  process.env.JOUST_WEB_URL = stack.battle;
  // For the operator's command (granting the organizer role) in the tournament tests.
  process.env.JOUST_WEB_DATABASE = stack.database;
  return async () => {
    await stack.stop();
  };
}
