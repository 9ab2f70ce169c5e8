// Two players who ask for a match in the same language are paired and meet in the room.
import { expect, guestPage, test } from "./fixtures";

test("two players looking for a Python match meet in a battle room", async ({ browser }) => {
  const players = [await guestPage(browser, "ivan"), await guestPage(browser, "judy")];
  for (const { page } of players) {
    await page.getByLabel("Language").selectOption("python");
    await page.getByRole("button", { name: "Find a match" }).click();
  }
  for (const { page } of players) {
    await expect(page).toHaveURL(/\/battle\/\?id=/);
    for (const { name } of players) await expect(page.getByTestId(`player-${name}`)).toBeVisible();
  }
  expect(players[0].page.url()).toBe(players[1].page.url());
});
