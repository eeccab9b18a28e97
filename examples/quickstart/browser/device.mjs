// device.mjs completes the quickstart's device verification page (RFC 8628
// §3.3) in headless Chromium, as a person who scanned the TV's QR code
// would: it opens verification_uri_complete, checks that the code is
// filled in but not yet accepted (RFC 8628 §5.4: the person confirms it),
// confirms it, signs in, approves the consent page naming the TV, and
// prints the result page's heading. Before that it types a wrong code and
// checks the page says so. Every page passes the checks of a11y.mjs, or
// the script fails listing what does not. Screenshots of the code, login,
// consent and result pages go to the artifacts directory.
//
//   node device.mjs VERIFICATION_URI_COMPLETE USER_CODE USERNAME PASSWORD ARTIFACTS_DIR
//
// It is run by examples/quickstart's TestBrowserDevice, which starts the
// device authorization and redeems the device code afterwards.
import { launch } from "./launch.mjs";
import { check, watch } from "./a11y.mjs";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const [completeURL, userCode, username, password, artifacts] = process.argv.slice(2);
if (!artifacts) {
  console.error("usage: node device.mjs VERIFICATION_URI_COMPLETE USER_CODE USERNAME PASSWORD ARTIFACTS_DIR");
  process.exit(2);
}
mkdirSync(artifacts, { recursive: true });

const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } }); // a phone, as after a QR code
  const watched = watch(context);
  const page = await context.newPage();
  const problems = [];

  await page.goto(completeURL);
  const code = page.getByLabel(/code/i);
  if ((await code.inputValue()) !== userCode) problems.push(`code field holds "${await code.inputValue()}", want ${userCode}`);
  await page.screenshot({ path: join(artifacts, "device-code.png"), fullPage: true });
  problems.push(...(await check(page, "device code page")));

  // A wrong code is refused on the same page.
  await code.fill("bcdf ghjk");
  await page.getByRole("button", { name: /continue/i }).click();
  await page.getByRole("alert").waitFor();
  problems.push(...(await check(page, "device code page with an error")));

  // The right one, typed in lower case without its dash.
  await page.getByLabel(/code/i).fill(userCode.toLowerCase().replace("-", ""));
  await page.getByRole("button", { name: /continue/i }).click();
  await page.getByLabel(/user ?name/i).fill(username);
  await page.getByLabel(/password/i).fill(password);
  await page.screenshot({ path: join(artifacts, "device-login.png"), fullPage: true });
  problems.push(...(await check(page, "device login page")));
  await page.getByRole("button", { name: /sign in/i }).click();

  await page.getByRole("button", { name: /allow|approve/i }).waitFor();
  await page.screenshot({ path: join(artifacts, "device-consent.png"), fullPage: true });
  problems.push(...(await check(page, "device consent page")));
  await page.getByRole("button", { name: /allow|approve/i }).click();

  const heading = page.getByRole("heading", { level: 1 });
  await heading.waitFor();
  await page.screenshot({ path: join(artifacts, "device-done.png"), fullPage: true });
  problems.push(...(await check(page, "device result page")));

  problems.push(...watched.problems());
  if (problems.length > 0) {
    console.error(problems.join("\n"));
    process.exitCode = 1;
  }
  console.log(await heading.textContent());
} finally {
  await browser.close();
}
