// Drives the delivery console in headless Chromium: sees a dead letter, clicks Replay, sees it
// delivered, and saves a screenshot. Usage: node console.mjs <console-url> <admin-key> <delivery-id> <png>
import { chromium } from "playwright-core";

const [url, key, deliveryId, png] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(url);
  await page.fill("#key", key);
  await page.click("#save-key");
  const row = page.locator(`[data-testid=dead-letters] tr[data-delivery="${deliveryId}"]`);
  await row.waitFor({ timeout: 20000 });
  console.log("saw dead letter " + deliveryId);
  await row.locator("[data-testid=replay]").click();
  const status = page.locator(`[data-testid=delivery][data-delivery="${deliveryId}"] [data-testid=delivery-status]`);
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === "succeeded",
    `[data-testid=delivery][data-delivery="${deliveryId}"] [data-testid=delivery-status]`, { timeout: 30000 });
  console.log("delivery " + deliveryId + " is " + (await status.textContent()));
  await row.waitFor({ state: "detached", timeout: 10000 });
  console.log("dead letter list no longer shows it");
  await page.screenshot({ path: png, fullPage: true });
  console.log("screenshot " + png);
} finally {
  await browser.close();
}
