// pa11y (WCAG2AA, runners htmlcs and axe) on a page in each of its states, in Debian's chromium.
//
//   node tools/pa11y/states.mjs plan.json  ->  prints [{page, state, issues: [...]}] as JSON
//
// The plan (written by tests/test_browser_pa11y.py) names the browser's launch config, and for each page its
// URL, viewport and steps: {"do": "click"|"ask"|"key"|"wait", ...} drive the page, {"check": name} runs pa11y
// on the page as it stands (pa11y's own `browser` and `page` options, `ignoreUrl`: the page keeps its state).
import { readFileSync } from 'node:fs';
import puppeteer from 'puppeteer';
import pa11y from 'pa11y';

const plan = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const WAIT = plan.waitMs || 60000;
const BOTS = 'document.querySelectorAll(\'#chat [data-testid="bot"]\').length';

async function ask(page, question) {
  const before = await page.evaluate(BOTS);
  await page.locator('#question textarea').fill(question);
  const enter = async () => { await page.focus('#question textarea'); await page.keyboard.press('Enter'); };
  await enter();
  // Gradio ignores a submit made while the previous answer's event is still being marked finished; a visitor
  // would press again, and so does this while the question is still in the box (as tests/browser_kit.py does).
  const began = Date.now();
  for (;;) {
    try {
      await page.waitForFunction(`${BOTS} > ${before}`, { timeout: 10000 });
      break;
    } catch (error) {
      if (Date.now() - began > WAIT) throw new Error(`no answer to ${JSON.stringify(question)}: ${error.message}`);
      if (await page.evaluate((q) => document.querySelector('#question textarea').value === q, question))
        await enter();
    }
  }
  await page.waitForFunction("document.querySelector('#question textarea').value === ''", { timeout: WAIT });
}

// What a visitor saw when a step failed: the last answer, the notice and the sources panel (for the error message).
async function shown(page) {
  return page.evaluate(() => {
    const text = (selector) => [...document.querySelectorAll(selector)].map((e) => e.innerText.trim()).filter(Boolean);
    return JSON.stringify({
      lang: document.documentElement.lang,
      answers: text('#chat [data-testid="bot"]').map((t) => t.slice(0, 200)),
      notice: text('#notice').join(' | ').slice(0, 300),
      sources: text('#sources .source-card').map((t) => t.slice(0, 120)),
      sourceClasses: [...document.querySelectorAll('#sources .source-card')].map((e) => e.className),
      readerOpen: Boolean(document.querySelector('#reader > button.label-wrap.open')),
      sourcesDisplay: getComputedStyle(document.querySelector('#sources')).display,
      question: document.querySelector('#question textarea').value,
    });
  }).catch((error) => `(could not read the page: ${error.message})`);
}

async function step(page, s) {
  if (s.do === 'click') await page.click(s.selector);
  else if (s.do === 'ask') await ask(page, s.question);
  else if (s.do === 'key') await page.keyboard.press(s.key);
  else if (s.do !== 'wait') throw new Error(`unknown step ${JSON.stringify(s)}`);
  if (s.until) await page.waitForFunction(s.until, { timeout: WAIT });
  if (s.visible) await page.waitForSelector(s.visible, { visible: true, timeout: WAIT });
}

const browser = await puppeteer.launch(plan.chromeLaunchConfig);
const found = [];
try {
  for (const target of plan.pages) {
    const page = await browser.newPage();
    await page.setViewport(target.viewport);
    await page.goto(target.url, { waitUntil: 'load', timeout: WAIT });
    await page.waitForFunction('window.__pageLanguage !== undefined', { timeout: WAIT });
    for (const s of target.steps) {
      if (!s.check) {
        await step(page, s).catch(async (error) => {
          throw new Error(`${target.name}: ${JSON.stringify(s)}: ${error.message}\nthe page then showed: ${await shown(page)}`);
        });
        continue;
      }
      await new Promise((done) => setTimeout(done, 350));  // transitions settle: colours are read as drawn
      const result = await pa11y(target.url, {
        browser, page, ignoreUrl: true, viewport: target.viewport, standard: 'WCAG2AA',
        runners: ['htmlcs', 'axe'], timeout: WAIT, log: { debug() {}, info() {}, error: console.error },
      });
      found.push({
        page: target.name, state: s.check,
        issues: result.issues.map((i) => ({ code: i.code, runner: i.runner, selector: i.selector, message: i.message, context: i.context })),
      });
    }
    await page.close();
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(found));
