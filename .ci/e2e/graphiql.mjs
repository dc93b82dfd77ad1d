// Opens /graphiql in Debian's chromium (offline flags, fresh profile), runs a query, checks the
// result pane, and fails on any request that leaves the server's origin.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const base = process.env.PATCHBAY_URL ?? 'http://127.0.0.1:8000';
const profile = mkdtempSync(join(tmpdir(), 'patchbay-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});
const foreign = [];
try {
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('request', (request) => {
    if (!request.url().startsWith(base) && !request.url().startsWith('data:')) foreign.push(request.url());
  });
  await page.goto(`${base}/graphiql`);
  await page.waitForSelector('.graphiql-query-editor .CodeMirror', { timeout: 30000 });
  await page.evaluate(() => {
    document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(
      '{ creators(first: 2) { totalCount nodes { name } } }',
    );
  });
  await page.click('.graphiql-execute-button');
  await page.waitForFunction(
    () => document.querySelector('.result-window')?.textContent.includes('totalCount'),
    null,
    { timeout: 30000 },
  );
  const result = await page.textContent('.result-window');
  if (!result.includes('"creators"') || !result.includes('"name"')) {
    throw new Error(`unexpected result pane: ${result.slice(0, 300)}`);
  }
  if (foreign.length) throw new Error(`requests left the server: ${foreign.join(', ')}`);
  console.log('GraphiQL e2e: query ran, result pane shows creators');
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
