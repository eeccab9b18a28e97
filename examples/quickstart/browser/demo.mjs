// demo.mjs signs in through the quickstart's demo client in headless
// Chromium, as a person would: it opens /demo/login (which keeps the
// sign-in in a cookie and sends the browser to the authorization
// endpoint), fills in the login form, approves the consent page, and waits
// for the demo client's page at /demo/callback. It then opens that same
// callback URL in a second browser context, with no cookies: another
// person's browser. It prints, as JSON, the callback URL and the status and
// heading of both pages.
//
//   node demo.mjs DEMO_LOGIN_URL USERNAME PASSWORD
//
// It is run by examples/quickstart's TestBrowserDemoClient. Chromium is
// Debian's (/usr/bin/chromium, or $CHROMIUM).
import { chromium } from "playwright-core";

const [loginURL, username, password] = process.argv.slice(2);
if (!password) {
  console.error("usage: node demo.mjs DEMO_LOGIN_URL USERNAME PASSWORD");
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
try {
  const page = await browser.newPage();
  const callbacks = [];
  page.on("response", (r) => {
    if (new URL(r.url()).pathname === "/demo/callback") callbacks.push(r.status());
  });
  await page.goto(loginURL);
  await page.getByLabel(/user ?name/i).fill(username);
  await page.getByLabel(/password/i).fill(password);
  await page.getByRole("button", { name: /sign in/i }).click();
  await page.getByRole("button", { name: /allow|approve/i }).click();
  await page.waitForURL((url) => url.pathname === "/demo/callback");
  await page.locator("h2").waitFor();
  const callback = page.url();

  const other = await (await browser.newContext()).newPage();
  const replay = await other.goto(callback);
  console.log(JSON.stringify({
    callback,
    status: callbacks.at(-1),
    heading: await page.locator("h2").textContent(),
    otherStatus: replay.status(),
    otherHeading: await other.locator("h2").textContent(),
    otherText: await other.locator("[role=alert]").textContent(),
  }));
} finally {
  await browser.close();
}
