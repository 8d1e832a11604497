// Reads {secret, headers, body} as JSON on stdin and verifies the delivery with the public
// Standard Webhooks verifiers. Prints one line per library; exits 1 if any rejects it.
import { Webhook as StandardWebhook } from "standardwebhooks";
import { Webhook as SvixWebhook } from "svix";

const input = JSON.parse(await new Promise((resolve) => {
  let s = "";
  process.stdin.on("data", (d) => (s += d));
  process.stdin.on("end", () => resolve(s));
}));
const { secret, headers, body } = input;
let failed = false;

function check(name, verify) {
  try {
    verify();
    console.log(`${name}: verified`);
  } catch (e) {
    failed = true;
    console.log(`${name}: REJECTED (${e.message})`);
  }
}

check("standardwebhooks", () => new StandardWebhook(secret.replace(/^whsec_/, "")).verify(body, headers));
check("svix", () => new SvixWebhook(secret).verify(body, {
  "svix-id": headers["webhook-id"],
  "svix-timestamp": headers["webhook-timestamp"],
  "svix-signature": headers["webhook-signature"],
}));
process.exit(failed ? 1 : 0);
