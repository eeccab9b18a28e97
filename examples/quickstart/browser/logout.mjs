// logout.mjs signs out of the quickstart in headless Chromium, as a person
// would: it signs in (the authorize URL, the login and consent forms),
// opens a logout request without an ID token (which needs a
// confirmation: OpenID Connect RP-Initiated Logout 1.0 §6), checks the
// confirmation page with a11y.mjs, presses "Sign out", and follows the
// 303 to the client's post-logout redirect URI, whose form-action the
// page's Content-Security-Policy must allow. It then opens the authorize
// URL again, which must show the login page: the session is gone. It
// prints {"landed": URL, "loginAgain": bool}. A screenshot of the
// confirmation page goes to the artifacts directory.
//
//   node logout.mjs AUTHORIZE_URL REDIRECT_PREFIX LOGOUT_URL POST_LOGOUT_PREFIX USERNAME PASSWORD ARTIFACTS_DIR
//
// It is run by examples/quickstart's TestBrowserLogout.
import { launch } from "./launch.mjs";
import { check, watch } from "./a11y.mjs";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const [authorizeURL, redirectPrefix, logoutURL, postLogoutPrefix, username, password, artifacts] = process.argv.slice(2);
if (!artifacts) {
  console.error("usage: node logout.mjs AUTHORIZE_URL REDIRECT_PREFIX LOGOUT_URL POST_LOGOUT_PREFIX USERNAME PASSWORD ARTIFACTS_DIR");
  process.exit(2);
}
mkdirSync(artifacts, { recursive: true });

const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const watched = watch(context);
  const page = await context.newPage();
  const problems = [];
  // The client's URIs have no server behind them: answer them here.
  let landed = "";
  for (const prefix of [redirectPrefix, postLogoutPrefix]) {
    await page.route((url) => url.href.startsWith(prefix), async (route) => {
      if (prefix === postLogoutPrefix) landed = route.request().url();
      await route.fulfill({ status: 200, contentType: "text/plain", body: "client" });
    });
  }

  await page.goto(authorizeURL);
  await page.getByLabel(/user ?name/i).fill(username);
  await page.getByLabel(/password/i).fill(password);
  await page.getByRole("button", { name: /sign in/i }).click();
  await page.getByRole("button", { name: /allow|approve/i }).click();
  await page.waitForURL((url) => url.href.startsWith(redirectPrefix));

  await page.goto(logoutURL);
  await page.getByRole("button", { name: /sign out/i }).waitFor();
  await page.screenshot({ path: join(artifacts, "logout-confirm.png"), fullPage: true });
  problems.push(...(await check(page, "logout confirmation page")));
  await page.getByRole("button", { name: /sign out/i }).click();
  await page.waitForURL((url) => url.href.startsWith(postLogoutPrefix));
  landed ||= page.url();

  await page.goto(authorizeURL);
  const loginAgain = await page.getByLabel(/password/i).isVisible();

  problems.push(...watched.problems());
  if (problems.length > 0) {
    console.error(problems.join("\n"));
    process.exitCode = 1;
  }
  console.log(JSON.stringify({ landed, loginAgain }));
} finally {
  await browser.close();
}
