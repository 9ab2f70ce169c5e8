// Every page renders in light and dark with no serious accessibility violation, errors are
// shown in words, and the pages fit a 375 px wide phone.
import type { Page } from "@playwright/test";
import { checkPage, expect, guestPage, startDuel, test, uniqueName } from "./fixtures";

test("sign-in page, and a taken name explained in words", async ({ browser }) => {
  const { name } = await guestPage(browser, "dora");
  const page = await (await browser.newContext({ baseURL: process.env.JOUST_WEB_URL })).newPage();
  await page.goto("/");
  await checkPage(page, "sign-in");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByRole("button", { name: "Play as guest" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "name" })).toHaveText("That name is taken. Pick another one.");
});

test("lobby, leaderboard and profile", async ({ browser }) => {
  const { page, name } = await guestPage(browser, "erin");
  await expect(page.getByRole("heading", { name: /Online now/ })).toBeVisible();
  await expect(page.getByText(name, { exact: true }).first()).toBeVisible();
  await checkPage(page, "lobby");
  await page.getByRole("link", { name: "Leaderboard" }).click();
  await expect(page.getByRole("heading", { name: "Leaderboard" })).toBeVisible();
  await checkPage(page, "leaderboard");
  await page.getByRole("link", { name: "Profile" }).click();
  await expect(page.getByRole("heading", { name })).toBeVisible();
  await expect(page.getByTestId("rating")).toHaveText("1200");
  await checkPage(page, "profile-new");
});

/** The page scrolls no wider than a 375 px phone. */
async function fitsPhone(page: Page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, page.url()).toBeLessThanOrEqual(375);
}

test("the lobby, leaderboard, tournaments and profile are usable 375 px wide", async ({ browser }) => {
  const { page, name } = await guestPage(browser, "finn");
  await page.setViewportSize({ width: 375, height: 800 });
  await expect(page.getByRole("button", { name: "Find a match" })).toBeVisible();
  await fitsPhone(page);
  for (const [link, heading] of [
    ["Leaderboard", "Leaderboard"],
    ["Tournaments", "Tournaments"],
    ["Profile", name],
  ]) {
    await page.getByRole("link", { name: link }).click();
    await expect(page.getByRole("heading", { name: heading, exact: true })).toBeVisible();
    await fitsPhone(page);
  }
});

test("the battle room is usable 375 px wide", async ({ browser }) => {
  const { alice } = await startDuel(browser);
  await alice.page.setViewportSize({ width: 375, height: 800 });
  await expect(alice.page.getByRole("button", { name: /Submit/ })).toBeVisible();
  await fitsPhone(alice.page);
});

test("an unknown challenge code is explained in words", async ({ browser }) => {
  const { page } = await guestPage(browser, "gail");
  await page.goto("/lobby/?challenge=NOSUCH12");
  await page.getByRole("button", { name: "Accept challenge" }).click();
  await expect(page.getByText("There is no challenge with this code.")).toBeVisible();
});

test("register, keep the session past its access token, sign out and in again", async ({ browser }) => {
  const page = await (await browser.newContext({ baseURL: process.env.JOUST_WEB_URL })).newPage();
  const handle = uniqueName("hana");
  const form = (title: string) => page.locator("form", { has: page.getByRole("heading", { name: title }) });
  const token = () => page.evaluate(() => JSON.parse(localStorage.getItem("joust.session") ?? "{}").token);
  await page.goto("/");
  await form("Create an account").getByLabel(/User name/).fill(handle);
  await form("Create an account").getByLabel(/Password/).fill("correct horse battery");
  await form("Create an account").getByRole("button", { name: "Register" }).click();
  await expect(page.getByRole("heading", { name: "Lobby" })).toBeVisible();

  // The stack's access tokens live 65 s and are renewed a minute before they expire.
  const first = await token();
  await page.waitForTimeout(6_000);
  await page.getByRole("link", { name: "Leaderboard" }).click();
  await expect(page.getByText("Nobody has a rating yet").or(page.getByRole("table"))).toBeVisible();
  await expect.poll(token).not.toBe(first);

  await page.getByRole("button", { name: "Sign out" }).click();
  await form("Sign in").getByLabel(/User name/).fill(handle);
  await form("Sign in").getByLabel("Password").fill("wrong horse battery");
  await form("Sign in").getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("The user name or password is wrong.")).toBeVisible();
  await form("Sign in").getByLabel("Password").fill("correct horse battery");
  await form("Sign in").getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Lobby" })).toBeVisible();
});
