// signin.mjs signs in to the quickstart's authorization endpoint in headless
// Chromium, as a person would: it opens the authorize URL, fills in the
// login form, approves the consent page, and prints the URL the browser was
// sent back to (the client's redirect URI, with code, state and iss). It
// then opens the error page of an unknown client and goes back with its
// "Go back" button. Every page passes the checks of a11y.mjs (labels, focus
// order, contrast, no /favicon.ico request, no console error), or the
// script fails listing what does not. Screenshots of the login, consent
// and error pages go to the artifacts directory.
//
//   node signin.mjs AUTHORIZE_URL REDIRECT_PREFIX USERNAME PASSWORD ARTIFACTS_DIR
//
// It is run by examples/quickstart's TestBrowserSignIn, which serves the
// quickstart, checks the result and redeems the code. Chromium is Debian's
// (/usr/bin/chromium, or $CHROMIUM): playwright-core downloads no browser.
import { launch } from "./launch.mjs";
import { check, watch } from "./a11y.mjs";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const [authorizeURL, redirectPrefix, username, password, artifacts] = process.argv.slice(2);
if (!artifacts) {
  console.error("usage: node signin.mjs AUTHORIZE_URL REDIRECT_PREFIX USERNAME PASSWORD ARTIFACTS_DIR");
  process.exit(2);
}
mkdirSync(artifacts, { recursive: true });

const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } }); // a phone: pages must fit
  const watched = watch(context);
  const page = await context.newPage();
  const problems = [];
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
  problems.push(...(await check(page, "login page")));
  await page.getByRole("button", { name: /sign in/i }).click();

  await page.getByRole("button", { name: /allow|approve/i }).waitFor();
  await page.screenshot({ path: join(artifacts, "consent.png"), fullPage: true });
  problems.push(...(await check(page, "consent page")));
  await page.getByRole("button", { name: /allow|approve/i }).click();

  await page.waitForURL((url) => url.href.startsWith(redirectPrefix));
  landed ||= page.url();

  // An error page (an unknown client: no redirect, RFC 6749 §4.1.2.1)
  // offers a way back to the page before it.
  const bad = new URL(authorizeURL);
  bad.searchParams.set("client_id", "no-such-client");
  const errorResponse = await page.goto(bad.href);
  if (errorResponse.status() !== 400) problems.push(`error page: status ${errorResponse.status()}, want 400`);
  await page.getByRole("button", { name: /go back/i }).waitFor();
  await page.screenshot({ path: join(artifacts, "error.png"), fullPage: true });
  problems.push(...(await check(page, "error page")));
  await page.getByRole("button", { name: /go back/i }).click();
  await page.waitForURL((url) => url.href.startsWith(redirectPrefix));

  problems.push(...watched.problems());
  if (problems.length > 0) {
    console.error(problems.join("\n"));
    process.exitCode = 1;
  }
  console.log(landed);
} finally {
  await browser.close();
}
