// signin.mjs signs in to the quickstart's authorization endpoint in headless
// Chromium, as a person would: it opens the authorize URL, fills in the
// login form, approves the consent page, and prints the URL the browser was
// sent back to (the client's redirect URI, with code, state and iss).
// Screenshots of the login and consent pages go to the artifacts directory.
//
//   node signin.mjs AUTHORIZE_URL REDIRECT_PREFIX USERNAME PASSWORD ARTIFACTS_DIR
//
// It is run by examples/quickstart's TestBrowserSignIn, which serves the
// quickstart, checks the result and redeems the code. Chromium is Debian's
// (/usr/bin/chromium, or $CHROMIUM): playwright-core downloads no browser.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const [authorizeURL, redirectPrefix, username, password, artifacts] = process.argv.slice(2);
if (!artifacts) {
  console.error("usage: node signin.mjs AUTHORIZE_URL REDIRECT_PREFIX USERNAME PASSWORD ARTIFACTS_DIR");
  process.exit(2);
}
mkdirSync(artifacts, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
try {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } }); // a phone: pages must fit
  // The client's redirect URI has no server behind it: answer it here and
  // keep the URL the browser was sent to.
  let landed = "";
  await page.route((url) => url.href.startsWith(redirectPrefix), async (route) => {
    landed = route.request().url();
    await route.fulfill({ status: 200, contentType: "text/plain", body: "client callback" });
  });

  await page.goto(authorizeURL);
  await page.getByLabel(/user ?name/i).fill(username);
  await page.getByLabel(/password/i).fill(password);
  await page.screenshot({ path: join(artifacts, "login.png"), fullPage: true });
  await page.getByRole("button", { name: /sign in/i }).click();

  await page.getByRole("button", { name: /allow|approve/i }).waitFor();
  await page.screenshot({ path: join(artifacts, "consent.png"), fullPage: true });
  await page.getByRole("button", { name: /allow|approve/i }).click();

  await page.waitForURL((url) => url.href.startsWith(redirectPrefix));
  console.log(landed || page.url());
} finally {
  await browser.close();
}
