// Drives the partner portal in headless Chromium, as the partner who was handed a portal link:
// sees its endpoints and a chart, inspects a failed delivery's attempts, replays the dead letter,
// rotates an endpoint's secret, sends a test event, and saves a screenshot.
// With a stream endpoint, also shows its consumers (name, transport, lag).
// Usage: node portal.mjs <portal-link> <failing-endpoint-id> <ok-endpoint-id> <png> [stream-endpoint-id]
import { launch } from "./browser.mjs";

const [link, failing, ok, png, stream] = process.argv.slice(2);
const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1300, height: 1100 } });
  await page.goto(link);
  console.log("address bar after load: " + page.url());
  const row = page.locator(`[data-testid=endpoints] tr[data-endpoint="${failing}"]`);
  await row.waitFor({ timeout: 20000 });
  console.log("endpoints: " + (await page.locator("[data-testid=endpoints] tr[data-endpoint]").count()));
  console.log("success of " + failing + ": " + (await row.locator("[data-testid=success]").textContent()));

  // Its chart and its deliveries; the dead one's attempts with the endpoint's own answer.
  await row.click();
  await page.locator("[data-testid=chart-deliveries] rect[data-series=failed]").first().waitFor({ timeout: 10000 });
  console.log("chart bars: " + (await page.locator("[data-testid=chart-deliveries] rect").count()) + ", failed: "
    + (await page.locator("[data-testid=chart-deliveries] rect[data-series=failed]").count()));
  const dead = page.locator("[data-testid=deliveries] tr[data-delivery]", { has: page.locator("td.dead") }).first();
  await dead.waitFor({ timeout: 10000 });
  await dead.click();
  await page.locator("[data-testid=attempt]").first().waitFor({ timeout: 10000 });
  const statuses = await page.locator("[data-testid=attempt-status]").allTextContents();
  const answers = await page.locator("[data-testid=attempt-answer]").allTextContents();
  console.log("attempts: " + statuses.join(",") + " answered " + answers[0]);

  // Replay the dead letter: it leaves the list.
  const replay = page.locator("[data-testid=dead-letters] tr[data-dead] [data-testid=replay]").first();
  await replay.waitFor({ timeout: 10000 });
  const deadId = await page.locator("[data-testid=dead-letters] tr[data-dead]").first().getAttribute("data-dead");
  await replay.click();
  await page.locator(`[data-testid=dead-letters] tr[data-dead="${deadId}"]`).waitFor({ state: "detached", timeout: 15000 });
  console.log("replayed " + deadId);

  // Rotate the ok endpoint's secret: the new one is shown once.
  const okRow = page.locator(`[data-testid=endpoints] tr[data-endpoint="${ok}"]`);
  await okRow.locator("[data-testid=rotate]").click();
  const secret = page.locator("[data-testid=secret]");
  await secret.waitFor({ timeout: 10000 });
  console.log("new secret " + (await secret.textContent()));

  // A test event to the ok endpoint.
  await okRow.locator("[data-testid=test]").click();
  await page.waitForFunction(() => document.getElementById("status").textContent.startsWith("test event sent"), null, { timeout: 10000 });
  console.log("test sent");
  if (stream) {
    await page.locator(`[data-testid=endpoints] tr[data-endpoint="${stream}"]`).click();
    const consumer = page.locator("[data-testid=stream-consumers] tbody tr").first();
    await consumer.locator("td.mono").first().waitFor({ timeout: 10000 });
    console.log("stream endpoint: " + (await page.locator(`[data-testid=endpoints] tr[data-endpoint="${stream}"] td`).first().textContent()));
    console.log("stream consumers: " + (await consumer.locator("td").allTextContents()).join(" | "));
  }
  await page.screenshot({ path: png, fullPage: true });
  console.log("screenshot " + png);
} finally {
  await browser.close();
}
