// Tournaments: an organizer (granted by the operator's command) creates one through the API,
// players register and check in, it starts; its page draws the bracket with brackets-viewer.js
// (elimination) or the standings (round robin and Swiss), and a player sees their next match.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { type Page } from "@playwright/test";
import { checkPage, expect, test, uniqueName } from "./fixtures";

const PASSWORD = "correct horse battery";

interface Account {
  name: string;
  userId: string;
  token: string;
}

async function api<T>(method: string, route: string, token?: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${process.env.JOUST_WEB_URL}${route}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

async function register(prefix: string): Promise<Account> {
  const name = uniqueName(prefix);
  const s = await api<{ user_id: string; access_token: string }>("POST", "/api/auth/register", undefined, {
    handle: name,
    password: PASSWORD,
  });
  return { name, userId: s.user_id, token: s.access_token };
}

/** The operator's command grants the organizer role on the test stack's database. */
function grantOrganizer(handle: string) {
  const binDir = process.env.JOUST_BIN_DIR ?? path.resolve(__dirname, "../../target/debug");
  execFileSync(path.join(binDir, "joust-battle"), ["admin", "grant", handle, "organizer"], {
    env: { ...process.env, JOUST_DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${process.env.JOUST_WEB_DATABASE}` },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

/**
 * Creates a tournament in `format`, fills it with `players` (seeded in their order) and starts
 * it. Its first round is due in `startsInMs` (an hour: no battle starts during the test).
 */
async function startTournament(
  organizer: Account,
  players: Account[],
  name: string,
  format: string,
  startsInMs = 3_600_000,
) {
  const problems = await api<{ id: string; slug: string }[]>("GET", "/api/problems");
  const { id } = await api<{ id: string }>("POST", "/api/tournaments", organizer.token, {
    name,
    format,
    problem_pool: [problems.find((p) => p.slug === "sum-of-two")!.id],
    starts_at: new Date(Date.now() + startsInMs).toISOString(),
    round_interval_secs: 600,
    battle_secs: 600,
  });
  const base = `/api/tournaments/${id}`;
  await api("POST", `${base}/open-registration`, organizer.token);
  for (const p of players) await api("POST", `${base}/registration`, p.token);
  await api("POST", `${base}/open-check-in`, organizer.token);
  for (const p of players) await api("POST", `${base}/check-in`, p.token);
  await api("POST", `${base}/start`, organizer.token, { seeding: "manual", order: players.map((p) => p.userId) });
  return id;
}

async function signIn(page: Page, account: Account) {
  const form = page.locator("form", { has: page.getByRole("heading", { name: "Sign in" }) });
  await page.goto("/");
  await form.getByLabel(/User name/).fill(account.name);
  await form.getByLabel("Password").fill(PASSWORD);
  await form.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Lobby" })).toBeVisible();
}

async function setUp(format: string) {
  const organizer = await register("org");
  grantOrganizer(organizer.name);
  const players = [];
  for (const prefix of ["ada", "bea", "cy", "dot"]) players.push(await register(prefix));
  const name = uniqueName("Cup");
  const id = await startTournament(organizer, players, name, format);
  return { players, name, id };
}

test("an elimination bracket drawn by brackets-viewer, and my next match", async ({ browser }) => {
  const { players, name, id } = await setUp("single_elimination");
  const page = await (await browser.newContext({ baseURL: process.env.JOUST_WEB_URL })).newPage();
  await signIn(page, players[0]);

  await page.getByRole("link", { name: "Tournaments" }).click();
  await page.getByRole("link", { name }).click();
  await expect(page).toHaveURL(new RegExp(`/tournament/\\?id=${id}`));
  await expect(page.getByRole("heading", { name })).toBeVisible();
  const bracket = page.getByTestId("bracket");
  for (const p of players) await expect(bracket).toContainText(p.name);
  // Seeded 1 against 4 in round 1.
  const next = page.getByTestId("next-match");
  await expect(next).toContainText(`Round 1 against ${players[3].name}`);
  await checkPage(page, "tournament");
});

for (const [format, title] of [
  ["round_robin", "round robin"],
  ["swiss", "Swiss"],
]) {
  test(`${title} standings`, async ({ browser }) => {
    const { players, id } = await setUp(format);
    const page = await (await browser.newContext({ baseURL: process.env.JOUST_WEB_URL })).newPage();
    await page.goto(`/tournament/?id=${id}`);
    const table = page.getByRole("table");
    for (const p of players) await expect(table.getByRole("link", { name: p.name })).toBeVisible();
    await expect(page.getByTestId("bracket")).toHaveCount(0);
  });
}

test("my next match: the notice counts down, then links into the battle", async ({ browser }) => {
  const organizer = await register("org");
  grantOrganizer(organizer.name);
  const players = [await register("eve"), await register("fay")];
  const id = await startTournament(organizer, players, uniqueName("Duel"), "single_elimination", 12_000);
  const page = await (await browser.newContext({ baseURL: process.env.JOUST_WEB_URL })).newPage();
  await signIn(page, players[0]);
  await page.goto(`/tournament/?id=${id}`);
  const next = page.getByTestId("next-match");
  await expect(next).toContainText(`Round 1 against ${players[1].name}`);
  // `tournament:match` a few seconds before the round, then the battle is created.
  await expect(next.getByTestId("starts-in")).toBeVisible();
  await next.getByRole("link", { name: "Go to your battle" }).click();
  await expect(page).toHaveURL(/\/battle\/\?id=/);
  await expect(page.getByRole("heading", { name: "Sum of two" })).toBeVisible();
});
