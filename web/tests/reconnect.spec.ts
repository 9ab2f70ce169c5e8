// A player who reloads in mid-battle, or whose connection drops, gets back every event they
// missed, each once (and, after a reload, their draft).
import type { Page, WebSocketRoute } from "@playwright/test";
import { RIGHT_PYTHON, WRONG_PYTHON, expect, startDuel, submitCode, test, verdicts } from "./fixtures";

test("a reload mid-battle resumes with no missed event", async ({ browser }) => {
  const { alice, bob } = await startDuel(browser);
  const room = alice.page.url();
  await submitCode(alice.page, WRONG_PYTHON);
  await expect.poll(() => verdicts(alice.page), { timeout: 120_000 }).toEqual(["WA"]);

  // Alice's page goes away; the opponent is told, and acts while she is gone.
  await alice.page.goto("about:blank");
  await expect(bob.page.getByText("disconnected,")).toBeVisible();
  await submitCode(bob.page, WRONG_PYTHON);
  await expect.poll(() => verdicts(bob.page), { timeout: 120_000 }).toEqual(["WA", "WA"]);

  await alice.page.goto(room);
  await expect.poll(() => verdicts(alice.page), { timeout: 120_000 }).toEqual(["WA", "WA"]);
  await expect(bob.page.getByText("disconnected,")).toHaveCount(0);
  const seq = (page: typeof bob.page) => page.getByTestId("room").getAttribute("data-last-seq");
  await expect.poll(() => seq(alice.page)).toBe(await seq(bob.page));
  await expect(alice.page.locator(".cm-content")).toContainText("print(a - b)"); // the draft

  // Live events still arrive after the resume, and nothing is applied twice.
  await submitCode(alice.page, RIGHT_PYTHON);
  for (const page of [alice.page, bob.page]) {
    await expect(page.getByTestId("winner")).toHaveText(`Winner: ${alice.name}`, { timeout: 120_000 });
    expect(await verdicts(page)).toEqual(["WA", "WA", "AC"]);
  }
  await expect.poll(() => seq(alice.page)).toBe(await seq(bob.page));
});

test("a dropped connection resumes from the last event seen, without duplicates", async ({ browser }) => {
  // Alice's WebSockets go through the test, which can cut them (and refuse new connections)
  // as a network outage would, while the page itself stays loaded.
  let offline = false;
  const open: WebSocketRoute[] = [];
  const { alice, bob } = await startDuel(browser, async (context) => {
    await context.routeWebSocket(/\/socket\.io\//, (ws) => {
      if (offline) return ws.close();
      open.push(ws);
      ws.connectToServer();
    });
    await context.route(/\/socket\.io\//, (route) => (offline ? route.abort() : route.continue()));
  });
  await submitCode(alice.page, WRONG_PYTHON);
  await expect.poll(() => verdicts(bob.page), { timeout: 120_000 }).toEqual(["WA"]);

  offline = true;
  for (const ws of open.splice(0)) await ws.close();
  await expect(alice.page.getByTestId("connection")).toHaveText("Reconnecting…");
  await submitCode(bob.page, WRONG_PYTHON);
  await expect.poll(() => verdicts(bob.page), { timeout: 120_000 }).toEqual(["WA", "WA"]);
  expect(await verdicts(alice.page)).toEqual(["WA"]);

  offline = false;
  await expect(alice.page.getByTestId("connection")).toHaveText("Connected");
  await expect.poll(() => verdicts(alice.page)).toEqual(["WA", "WA"]);
  const seq = (page: Page) => page.getByTestId("room").getAttribute("data-last-seq");
  await expect.poll(() => seq(alice.page)).toBe(await seq(bob.page));
  await alice.page.getByLabel("Chat message").fill("back");
  await alice.page.getByRole("button", { name: "Send" }).click();
  await expect(bob.page.getByTestId("chat")).toContainText(`${alice.name}: back`);
});
