// demo.mjs signs in through the quickstart's demo client in headless
// Chromium, as a person would: it opens /demo/ (which sends the browser to
// the one entry point, /demo/login, which keeps the sign-in in a cookie and
// sends the browser on to the authorization endpoint), fills in the login
// form, approves the consent page, and waits
// for the demo client's page at /demo/callback. It then opens that same
// callback URL in a second browser context, with no cookies: another
// person's browser. It prints, as JSON, the callback URL and the status and
// heading of both pages. Both pages pass the checks of a11y.mjs, or the
// script fails listing what does not; their screenshots go to the
// artifacts directory.
//
//   node demo.mjs DEMO_URL USERNAME PASSWORD ARTIFACTS_DIR
//
// It is run by examples/quickstart's TestBrowserDemoClient. Chromium is
// Debian's (/usr/bin/chromium, or $CHROMIUM).
import { launch } from "./launch.mjs";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { check, watch } from "./a11y.mjs";

const [demoURL, username, password, artifacts] = process.argv.slice(2);
if (!artifacts) {
  console.error("usage: node demo.mjs DEMO_URL USERNAME PASSWORD ARTIFACTS_DIR");
  process.exit(2);
}
mkdirSync(artifacts, { recursive: true });

const browser = await launch();
try {
  const context = await browser.newContext();
  const watched = watch(context);
  const page = await context.newPage();
  const problems = [];
  const callbacks = [];
  page.on("response", (r) => {
    if (new URL(r.url()).pathname === "/demo/callback") callbacks.push(r.status());
  });
  await page.goto(demoURL);
  await page.getByLabel(/user ?name/i).fill(username);
  await page.getByLabel(/password/i).fill(password);
  await page.getByRole("button", { name: /sign in/i }).click();
  await page.getByRole("button", { name: /allow|approve/i }).click();
  await page.waitForURL((url) => url.pathname === "/demo/callback");
  await page.locator("h2").waitFor();
  const callback = page.url();
  await page.screenshot({ path: join(artifacts, "demo-signed-in.png"), fullPage: true });
  problems.push(...(await check(page, "demo client, signed in")));

  const otherContext = await browser.newContext();
  const otherWatched = watch(otherContext);
  const other = await otherContext.newPage();
  const replay = await other.goto(callback);
  await other.screenshot({ path: join(artifacts, "demo-refused.png"), fullPage: true });
  problems.push(...(await check(other, "demo client, refused")));
  problems.push(...watched.problems(), ...otherWatched.problems());
  if (problems.length > 0) {
    console.error(problems.join("\n"));
    process.exitCode = 1;
  }
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
