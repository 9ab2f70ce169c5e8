// A full duel in the browser: two players and a spectator, each in their own context.
import {
  RIGHT_PYTHON,
  WRONG_PYTHON,
  checkPage,
  expect,
  guestPage,
  startDuel,
  submitCode,
  test,
  typeCode,
  verdicts,
} from "./fixtures";

test("a wrong answer, then an accepted one: both players and a spectator see the winner", async ({ browser }) => {
  const { alice, bob, battleId } = await startDuel(browser);
  const carol = await guestPage(browser, "carol");
  // The lobby lists the running battle; its link opens the spectator view.
  await carol.page.getByRole("link", { name: `Watch ${alice.name} vs ${bob.name}` }).click();
  await expect(carol.page).toHaveURL(new RegExp(`/watch/\\?id=${battleId}`));
  await expect(carol.page.getByRole("heading", { name: "Watching a battle" })).toBeVisible();
  await expect(carol.page.getByRole("heading", { name: "Sum of two" })).toBeVisible();
  await expect(carol.page.locator(".cm-content")).toHaveCount(0); // spectators have no editor
  // The statement's TeX is typeset by KaTeX.
  await expect(alice.page.locator(".statement .katex").first()).toBeVisible();
  const everyone = [alice.page, bob.page, carol.page];
  for (const page of everyone) await expect(page.getByTestId("connection")).toHaveText("Connected");

  await alice.page.getByLabel("Chat message").fill("good luck");
  await alice.page.getByRole("button", { name: "Send" }).click();
  for (const page of everyone) await expect(page.getByTestId("chat")).toContainText(`${alice.name}: good luck`);

  // Practice runs, on the samples and on an input of her own, show each test to Alice only.
  await typeCode(alice.page, WRONG_PYTHON.replace("a - b", "a * b"));
  await alice.page.getByRole("button", { name: "Run samples" }).click();
  await expect(alice.page.getByTestId("run-result")).toContainText("Wrong answer", { timeout: 120_000 });
  await expect(bob.page.getByTestId("run-result")).toHaveCount(0);
  await alice.page.getByLabel("Custom input").fill("5 7\n");
  await alice.page.getByRole("button", { name: "Run with custom input" }).click();
  await expect(alice.page.getByTestId("run-result")).toContainText("Custom input", { timeout: 120_000 });
  await expect(alice.page.getByLabel("Output of test 1")).toHaveText("35");

  await submitCode(alice.page, WRONG_PYTHON);
  for (const page of everyone) {
    await expect.poll(() => verdicts(page), { timeout: 120_000 }).toEqual(["WA"]);
  }
  await checkPage(alice.page, "battle");
  await checkPage(carol.page, "watch");

  await submitCode(bob.page, RIGHT_PYTHON);
  for (const page of everyone) {
    await expect(page.getByTestId("winner")).toHaveText(`Winner: ${bob.name}`, { timeout: 120_000 });
    await expect(page.getByTestId("rating-change")).toHaveCount(2);
    expect(await verdicts(page)).toEqual(["WA", "AC"]);
  }
  await expect(bob.page.getByRole("heading", { name: "You won!" })).toBeVisible();
  await expect(alice.page.getByRole("heading", { name: `${bob.name} won` })).toBeVisible();
  await checkPage(bob.page, "result");

  // The winner's profile charts the rating change.
  await bob.page.getByRole("link", { name: "Profile" }).click();
  await expect(bob.page.getByTestId("rating-chart")).toBeVisible();
  await checkPage(bob.page, "profile");
});
