// launch.mjs starts the headless Chromium every browser script drives:
// Debian's (or $CHROMIUM), without the sandbox, the GPU, QUIC, first-run
// pages or background traffic, so runs are the same on every machine.
import { chromium } from "playwright-core";

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
}
