// Lighthouse performance of the lobby, as a signed-in guest sees it, in Debian's Chromium
// (`make bench-web`; figures in docs/benchmarks.md). Starts the real stack on a fresh database
// with the battle service serving out/, runs Lighthouse's default (mobile, simulated
// throttling) performance audit RUNS times and prints each score, the median, and the
// first-load JavaScript (gzip) of the lobby and the battle room.
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import lighthouse from "lighthouse";
import puppeteer from "puppeteer-core";
import { startStack } from "../../services/e2e/harness.mjs";

const RUNS = Number(process.env.RUNS ?? 3);
const here = path.dirname(new URL(import.meta.url).pathname);
const out = path.resolve(here, "../out");

/** The gzip size (KiB) of the scripts an exported page references before any lazy chunk. */
function firstLoadKiB(page) {
  const html = readFileSync(path.join(out, page, "index.html"), "utf8");
  let bytes = 0;
  for (const script of new Set(html.match(/\/_next\/static\/[^"']+\.js/g) ?? [])) {
    bytes += gzipSync(readFileSync(path.join(out, script)), { level: 9 }).length;
  }
  return bytes / 1024;
}

const stack = await startStack({ battleEnv: { JOUST_WEB_DIR: out } });
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"],
});
try {
  const res = await fetch(`${stack.battle}/api/auth/guest`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: `bench-${Date.now() % 100000}` }),
  });
  const guest = await res.json();
  const session = { userId: guest.user_id, name: guest.name, token: guest.token, guest: true };
  const page = await browser.newPage();
  // Lighthouse clears the origin's storage and cache before each run; the session is put back
  // before any of the page's scripts run, so every run is a cold load of a signed-in lobby.
  await page.evaluateOnNewDocument((s) => localStorage.setItem("joust.session", JSON.stringify(s)), session);

  const scores = [];
  for (let i = 0; i < RUNS; i++) {
    const result = await lighthouse(
      `${stack.battle}/lobby/`,
      { output: "json", onlyCategories: ["performance"], logLevel: "error" },
      undefined,
      page,
    );
    const { categories, audits } = result.lhr;
    const score = Math.round(categories.performance.score * 100);
    scores.push(score);
    const ms = (id) => Math.round(audits[id].numericValue);
    console.log(
      `run ${i + 1}: performance ${score}; FCP ${ms("first-contentful-paint")} ms, LCP ${ms("largest-contentful-paint")} ms, ` +
        `TBT ${ms("total-blocking-time")} ms, CLS ${audits["cumulative-layout-shift"].numericValue.toFixed(3)}`,
    );
  }
  scores.sort((a, b) => a - b);
  console.log(`lobby performance, median of ${RUNS}: ${scores[Math.floor(RUNS / 2)]}`);
  for (const p of ["lobby", "battle", "tournament"]) console.log(`${p} first-load JavaScript: ${firstLoadKiB(p).toFixed(0)} KiB gzip`);
  console.log(`lighthouse 12.2.3, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}, ${new Date().toISOString()}`);
} finally {
  await browser.close();
  await stack.stop();
}
