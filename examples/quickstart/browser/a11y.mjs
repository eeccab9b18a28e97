// a11y.mjs: the accessibility and polish checks the real-browser tests run
// on every page they visit, computed in the page itself (no dependency
// beyond playwright-core):
//
//   - every form control a person fills in has a label (<label for>, a
//     wrapping <label>, aria-label or aria-labelledby: what a screen reader
//     announces);
//   - the Tab key visits the focusable elements in document order, and no
//     element reorders it with a positive tabindex (WCAG 2.2 SC 2.4.3);
//   - the text's contrast with its background is at least 4.5:1, or 3:1
//     for large text (WCAG 2.2 SC 1.4.3), the background being the first
//     opaque one behind the text, in the light and the dark color scheme;
//   - the page has a language, a title and one h1.
//
// Pages are also watched (watch) for a request for /favicon.ico (each page
// declares its icon) and for console errors, such as a refused CSP source.

// watch records, for the pages of a browser context, the requests for
// /favicon.ico and the console errors. Its problems() lists them.
export function watch(context) {
  const found = [];
  const onPage = (page) => {
    page.on("request", (r) => {
      if (new URL(r.url()).pathname === "/favicon.ico") found.push(`request for ${r.url()}`);
    });
    page.on("console", (m) => {
      // A page answered with an error status logs one; the tests check
      // statuses themselves.
      if (m.type() === "error" && !m.text().startsWith("Failed to load resource: the server responded with a status of")) found.push(`console error on ${page.url()}: ${m.text()}`);
    });
  };
  context.pages().forEach(onPage);
  context.on("page", onPage);
  return { problems: () => found.slice() };
}

// check runs the checks on the page as it is now and returns its problems,
// each a line naming the page (name) and the element.
// Contrast is checked in the light and the dark color scheme (the
// runtime's pages have both).
export async function check(page, name) {
  const problems = [];
  for (const scheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme: scheme });
    problems.push(...(await page.evaluate(inPage)).map((p) => `${scheme}: ${p}`));
  }
  await page.emulateMedia({ colorScheme: "light" });
  problems.push(...(await focusOrder(page)));
  return problems.map((p) => `${name}: ${p}`);
}

// inPage runs inside the page: labels, contrast, language, title, heading.
function inPage() {
  const problems = [];
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    const text = (el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 40);
    return text ? `${s} "${text}"` : s;
  };
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && cs.visibility !== "hidden" && cs.display !== "none";
  };

  if (!document.documentElement.lang) problems.push("the page has no lang");
  if (!document.title.trim()) problems.push("the page has no title");
  if (document.querySelectorAll("h1").length !== 1) problems.push(`${document.querySelectorAll("h1").length} h1 headings, want 1`);

  // Labels.
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (el.type === "hidden" || el.type === "submit" || el.type === "button") continue;
    const labelled =
      (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`)?.textContent.trim()) ||
      el.closest("label")?.textContent.trim() ||
      el.getAttribute("aria-label")?.trim() ||
      (el.getAttribute("aria-labelledby") || "").split(/\s+/).some((id) => id && document.getElementById(id)?.textContent.trim());
    if (!labelled) problems.push(`${describe(el)} has no label`);
  }
  for (const el of document.querySelectorAll("button, a[href]")) {
    if (visible(el) && !(el.textContent.trim() || el.getAttribute("aria-label"))) problems.push(`${describe(el)} has no accessible name`);
  }

  // Contrast (WCAG 2.2 relative luminance and contrast ratio).
  const parse = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r, g, b, a };
  };
  const lum = ({ r, g, b }) => {
    const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a),
    g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a),
    a: 1,
  });
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const bg = parse(getComputedStyle(e).backgroundColor);
      if (bg && bg.a > 0) {
        layers.push(bg);
        if (bg.a >= 1) break;
      }
    }
    let color = { r: 255, g: 255, b: 255, a: 1 }; // the canvas
    for (const l of layers.reverse()) color = over(l, color);
    return color;
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || seen.has(el) || !visible(el)) continue;
    seen.add(el);
    const cs = getComputedStyle(el);
    const bg = background(el);
    const fg = over(parse(cs.color), bg);
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(cs.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(cs.fontWeight) >= 700);
    const want = large ? 3 : 4.5;
    if (ratio < want) problems.push(`${describe(el)}: contrast ${ratio.toFixed(2)}:1, want ${want}:1`);
  }
  for (const el of document.querySelectorAll("[tabindex]")) {
    if (el.tabIndex > 0) problems.push(`${describe(el)} has tabindex ${el.tabIndex}: it reorders the focus`);
  }
  return problems;
}

// focusOrder focuses the first focusable element, presses Tab through the
// rest and compares the elements that take the focus with the focusable
// elements in document order.
async function focusOrder(page) {
  const want = await page.evaluate(() => {
    const sel = "a[href], button, input:not([type=hidden]), select, textarea, [tabindex]";
    return [...document.querySelectorAll(sel)]
      .filter((el) => !el.disabled && el.tabIndex >= 0 && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden")
      .map((el, i) => (el.dataset.a11yOrder = String(i)));
  });
  if (want.length === 0) return [];
  // Start at the first element, then Tab through the rest.
  await page.evaluate(() => document.querySelector('[data-a11y-order="0"]').focus());
  const got = [await page.evaluate(() => document.activeElement?.dataset?.a11yOrder ?? "-")];
  for (let i = 1; i < want.length; i++) {
    await page.keyboard.press("Tab");
    got.push(await page.evaluate(() => document.activeElement?.dataset?.a11yOrder ?? "-"));
  }
  await page.evaluate(() => document.querySelectorAll("[data-a11y-order]").forEach((el) => delete el.dataset.a11yOrder));
  return got.join(",") === want.join(",") ? [] : [`Tab visits [${got}], want document order [${want}]`];
}
