// Helpers shared by the browser tests: players signed in as guests in their own browser
// contexts, a challenge between two of them, and code typed into the editor.
import { type Browser, type BrowserContext, type Page, test as base, expect } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { randomBytes } from "node:crypto";

export { expect };

export const test = base.extend({
  // The battle service's address is only known once the global setup has started it.
  baseURL: async ({}, provide) => provide(process.env.JOUST_WEB_URL),
});

/** Accepted: reads two integers and prints their sum (the default problem, sum-of-two). */
export const RIGHT_PYTHON = "import sys\na, b = map(int, sys.stdin.read().split())\nprint(a + b)\n";
/** Wrong answer: the difference. */
export const WRONG_PYTHON = "a, b = map(int, input().split())\nprint(a - b)\n";

/** A unique guest name: names are unique across the test run's database. */
export const uniqueName = (prefix: string) => `${prefix}-${randomBytes(3).toString("hex")}`;

/** A new browser context, signed in as a new guest from the sign-in page. */
export async function guestPage(
  browser: Browser,
  prefix: string,
  prepare?: (context: BrowserContext) => Promise<void>,
): Promise<{ page: Page; name: string }> {
  const context = await browser.newContext({ baseURL: process.env.JOUST_WEB_URL });
  await prepare?.(context);
  const page = await context.newPage();
  const name = uniqueName(prefix);
  await page.goto("/");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByRole("button", { name: "Play as guest" }).click();
  await expect(page.getByRole("heading", { name: "Lobby" })).toBeVisible();
  return { page, name };
}

/** Two guests; the first challenges with a link, the second accepts it; both reach the room. */
export async function startDuel(browser: Browser, prepareAlice?: (context: BrowserContext) => Promise<void>) {
  const alice = await guestPage(browser, "alice", prepareAlice);
  const bob = await guestPage(browser, "bob");
  await alice.page.getByRole("button", { name: "Create a challenge link" }).click();
  const link = await alice.page.getByTestId("challenge-link").inputValue();
  await bob.page.goto(link);
  await bob.page.getByRole("button", { name: "Accept challenge" }).click();
  for (const { page } of [alice, bob]) {
    await expect(page).toHaveURL(/\/battle\/\?id=/);
    await expect(page.getByRole("heading", { name: "Sum of two" })).toBeVisible();
  }
  const battleId = new URL(alice.page.url()).searchParams.get("id")!;
  return { alice, bob, battleId };
}

/** Replaces the editor's content. */
export async function typeCode(page: Page, code: string) {
  await page.locator(".cm-content").click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.press("Delete");
  // insertText, not type: typing would trigger auto-indent and bracket closing.
  await page.keyboard.insertText(code);
}

/** Replaces the editor's content and submits with the keyboard shortcut. */
export async function submitCode(page: Page, code: string) {
  await typeCode(page, code);
  await page.keyboard.press("ControlOrMeta+Enter");
}

/** The verdicts listed under Submissions, in order. */
export async function verdicts(page: Page): Promise<string[]> {
  return page.getByTestId("submissions").locator("li").evaluateAll((items) => items.map((li) => li.getAttribute("data-verdict") ?? ""));
}

/**
 * Takes the page in light and dark and checks each with axe-core: no serious or critical
 * violation. Screenshots go to JOUST_SCREENSHOT_DIR (`make web-screenshots` points it at
 * docs/screenshots), else next to the test results, so a test run leaves the tree unchanged.
 */
export async function checkPage(page: Page, name: string) {
  const dir = process.env.JOUST_SCREENSHOT_DIR ?? "test-results/screenshots";
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${dir}/web-${name}-${colorScheme}.png` });
    const { violations } = await new AxeBuilder({ page }).analyze();
    const serious = violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
    expect(serious, `${name} in ${colorScheme}`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: "light" });
}
