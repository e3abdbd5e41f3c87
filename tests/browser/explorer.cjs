// The explorer as a researcher uses it, in a real headless Chromium: search for "røyk", open a
// smoking variable, see its history and a diff, follow its harmonized group, look at the
// coverage matrix, and switch the language. A screenshot of each page goes to the output folder.
//
// Usage: NODE_PATH=<folder with playwright-core> node explorer.cjs BASE_URL SCREENSHOT_DIR
// (`.ci/browser-test` installs playwright-core, starts `varkat serve --demo`, and runs this.)

const { chromium } = require("playwright-core");
const fs = require("fs");
const path = require("path");

const [base, shots] = process.argv.slice(2);
if (!base || !shots) {
  console.error("usage: node explorer.cjs BASE_URL SCREENSHOT_DIR");
  process.exit(2);
}
fs.mkdirSync(shots, { recursive: true });

function expect(condition, what) {
  if (!condition) {
    throw new Error(`expected ${what}`);
  }
  console.log(`  ok: ${what}`);
}

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  let n = 0;
  const shot = async (name) => {
    n += 1;
    const file = path.join(shots, `${String(n).padStart(2, "0")}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    console.log(`  screenshot: ${file}`);
  };
  try {
    console.log("start page");
    await page.goto(base + "/");
    expect((await page.title()).includes("varkat"), "the start page's title names varkat");
    await shot("start");

    console.log("search for røyk");
    await page.fill("input[name=q]", "røyk");
    await page.press("input[name=q]", "Enter");
    await page.waitForSelector("li.hit");
    const hits = await page.locator("li.hit a.variable").allTextContents();
    expect(hits.length >= 5, `at least five hits (got ${hits.length})`);
    expect(await page.locator("li.hit mark").count() > 0, "the matched words are marked");
    const registries = new Set(await page.locator("li.hit span.registry").allTextContents());
    expect(registries.size >= 4, `hits from several registries (${[...registries].join(", ")})`);
    await shot("search");

    console.log("open a smoking variable");
    await page.click("text=Røykestatus ved innleggelse");
    await page.waitForSelector("#history");
    expect(await page.locator("h1").textContent() === "Røykestatus ved innleggelse", "the variable's label as its title");
    expect(await page.locator("svg.timeline rect").count() === 2, "a timeline with both versions");
    expect(await page.locator("#harmonization a[href^='/definitions/']").count() === 1, "its shared definition");
    await shot("variable");

    console.log("compare its versions");
    await page.click("#history a:has-text('sammenlign')");
    await page.waitForSelector("#diff");
    expect(await page.locator("#diff del").count() > 0 && await page.locator("#diff ins").count() > 0, "a word diff");
    await shot("diff");

    console.log("follow the harmonized group");
    await page.click("#harmonization a[href^='/definitions/']");
    await page.waitForSelector("#members");
    const members = await page.locator("#members tbody tr").count();
    expect(members >= 5, `the group's members across registries (${members})`);
    await shot("group");

    console.log("the coverage matrix");
    await page.click("header nav >> text=Dekning");
    await page.waitForSelector("#coverage");
    expect(await page.locator("#coverage td.harmonized").count() >= 5, "harmonized cells in the heat map");
    await shot("coverage");

    console.log("switch the language");
    await page.click("#switch-language");
    await page.waitForSelector("html[lang=en]");
    expect((await page.locator("h1").textContent()).startsWith("Coverage"), "the page in English");
    await page.click("header nav >> text=Search");
    await page.fill("input[name=q]", "smoking");
    await page.press("input[name=q]", "Enter");
    await page.waitForSelector("li.hit");
    const facetTitles = await page.locator("aside.facets h3").allTextContents();
    expect(facetTitles[0] === "Registry", `English facets (${facetTitles.join(", ")})`);
    await shot("search-en");
    console.log("the explorer works in a real browser");
  } catch (err) {
    await shot("failure").catch(() => {});
    console.error(`browser test failed: ${err.message}`);
    process.exitCode = 1;
  } finally {
    await browser.close();
  }
})();
