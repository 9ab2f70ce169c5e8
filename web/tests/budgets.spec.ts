// First-load JavaScript of the built pages (gzip), against the budgets of docs/benchmarks.md:
// the scripts each exported page references before any lazy chunk loads.
import { readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { expect, test } from "./fixtures";

const out = path.resolve(__dirname, "../out");

function firstLoadKiB(page: string): number {
  const html = readFileSync(path.join(out, page, "index.html"), "utf8");
  const scripts = new Set(html.match(/\/_next\/static\/[^"']+\.js/g) ?? []);
  let bytes = 0;
  for (const script of scripts) bytes += gzipSync(readFileSync(path.join(out, script)), { level: 9 }).length;
  return bytes / 1024;
}

for (const [page, budget] of [
  ["lobby", 200],
  ["battle", 400],
] as const) {
  test(`${page} first-load JavaScript is within ${budget} KiB gzip`, () => {
    const size = firstLoadKiB(page);
    console.log(`${page}: ${size.toFixed(0)} KiB gzip`);
    expect(size).toBeLessThanOrEqual(budget);
  });
}

test("the bracket viewer is not in any page's first-load JavaScript", () => {
  for (const page of ["lobby", "tournament", "tournaments"]) {
    const html = readFileSync(path.join(out, page, "index.html"), "utf8");
    for (const script of html.match(/\/_next\/static\/[^"']+\.js/g) ?? []) {
      expect(readFileSync(path.join(out, script), "utf8"), `${page}: ${script}`).not.toContain("window.bracketsViewer");
    }
  }
});
