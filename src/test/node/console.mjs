// Drives the delivery console in headless Chromium: sees a dead letter, clicks Replay, sees it
// delivered; sees a rejected message, opens it, re-drives it and then all the others shown, sees
// their events arrive; reads the subscriptions' circuits and waiting deliveries; opens a subscription's
// chart and the queues' chart; saves a screenshot.
// Usage: node console.mjs <console-url> <admin-key> <delivery-id> <rejected-id> <event-ids,comma,separated> <png> <subscription-ids,comma,separated>
import { launch } from "./browser.mjs";

const [url, key, deliveryId, rejectedId, eventIds, png, subscriptionIds] = process.argv.slice(2);
const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
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

  // Rejected input: one opened and re-driven, then the rest with "Re-drive all shown".
  const rejected = page.locator(`[data-testid=rejected] tr[data-rejected="${rejectedId}"]`);
  await rejected.waitFor({ timeout: 20000 });
  await rejected.click();
  const body = page.locator("[data-testid=rejected-body]");
  await body.waitFor({ timeout: 10000 });
  console.log("saw rejected " + rejectedId + " with body " + (await body.textContent()));
  await rejected.locator("[data-testid=redrive]").click();
  await rejected.waitFor({ state: "detached", timeout: 10000 });
  console.log("rejected " + rejectedId + " re-driven");
  const others = page.locator("[data-testid=rejected] tr[data-rejected]");
  await others.first().waitFor({ timeout: 10000 });
  const shown = await others.count();
  await page.click("[data-testid=redrive-all]");
  await others.first().waitFor({ state: "detached", timeout: 10000 });
  console.log(`re-drove all ${shown} shown`);
  for (const id of eventIds.split(",")) {
    await page.locator(`[data-testid=events] tr[data-event="${id}"]`).waitFor({ timeout: 20000 });
  }
  console.log("events " + eventIds + " received");

  for (const id of subscriptionIds.split(",")) {
    const row = page.locator(`[data-testid=subscriptions] tr[data-subscription="${id}"]`);
    console.log(`circuit of ${id}: ` + (await row.locator("[data-testid=circuit]").textContent()));
    console.log(`waiting of ${id}: ` + (await row.locator("[data-testid=waiting]").textContent()));
  }
  // Charts: a subscription's last 24 hours (its failed attempt drawn), and the queues.
  await page.locator(`[data-testid=subscriptions] tr[data-subscription="${subscriptionIds.split(",")[0]}"]`).click();
  await page.locator("[data-testid=subscription-chart] [data-testid=chart-deliveries] rect[data-series=failed]").first()
    .waitFor({ timeout: 15000 });
  console.log("subscription chart: " + (await page.locator("[data-testid=subscription-chart] .legend").first().textContent()));
  await page.locator("[data-testid=queue-chart] [data-testid=chart-queues] circle").first().waitFor({ timeout: 15000 });
  console.log("queue chart: " + (await page.locator("[data-testid=queue-chart] .legend").first().textContent()));
  await page.screenshot({ path: png, fullPage: true });
  console.log("screenshot " + png);
} finally {
  await browser.close();
}
