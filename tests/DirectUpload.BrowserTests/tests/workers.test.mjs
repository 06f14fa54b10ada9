// Worker mode in a real browser (issue 12's "done when"): RGW + RabbitMQ + the sample web host + 2 sample worker
// processes, started as `eng/run-sample.sh --workers 2` starts them (eng/sample-workers.sh). Photos uploaded in chromium
// get their thumbnails from the workers, through RGW's persistent AMQP topic and RabbitMQ, never from the web host.
// FAILS (never skips) when RabbitMQ, RGW, the app, a worker or chromium is missing.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { environment, readAppLog, stopEnvironment } from '../lib/environment.mjs';
import { getJson, newContext, openPage, screenshot, selectGeneratedImages, signIn, uniqueName } from '../lib/helpers.mjs';

const MADE_BY = 'x-amz-meta-made-by';
const WRITTEN = /Thumbnail written by ([A-Za-z0-9._-]+):/g;

/** How many thumbnails each process logged: { name: count }. */
function thumbnailsLogged(proc) {
  const counts = {};
  for (const m of readAppLog(proc).matchAll(WRITTEN)) counts[m[1]] = (counts[m[1]] ?? 0) + 1;
  return counts;
}

async function until(condition, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('worker mode: RGW -> RabbitMQ -> 2 sample workers make the thumbnails', () => {
  after(stopEnvironment);

  test('photos uploaded in chromium get thumbnails made by the workers, each photo exactly once', { timeout: 240_000 }, async (t) => {
    const env = await environment({ workers: 2 });
    const workerIds = env.workers.map((w) => w.id);
    t.diagnostic(`queue ${env.amqp.SAMPLE_AMQP_QUEUE}, exchange ${env.amqp.SAMPLE_AMQP_EXCHANGE}, topic ${env.amqp.SAMPLE_AMQP_TOPIC}; workers ${env.workers.map((w) => `${w.id} (pid ${w.pid})`).join(', ')}`);
    const { context, base } = await newContext(t);
    const page = await openPage(context, base, '/');
    const user = uniqueName('workers');
    await signIn(page, user);
    const hostCalls = [];
    page.on('request', (r) => { if (r.url().startsWith(base)) hostCalls.push(`${r.method()} ${new URL(r.url()).pathname}`); });

    // realistic photos, encoded by the browser: two 3 MP JPEGs and two 2 MP PNGs, chosen at once
    const specs = [
      { name: 'beach.jpg', type: 'image/jpeg', width: 2048, height: 1536 },
      { name: 'city.png', type: 'image/png', width: 1600, height: 1200 },
      { name: 'forest.jpg', type: 'image/jpeg', width: 1536, height: 2048 },
      { name: 'harbour.png', type: 'image/png', width: 1200, height: 1600 },
    ];
    const chosen = await selectGeneratedImages(page, '#photo-file', specs);
    t.diagnostic(`uploaded ${chosen.map((c) => `${c.name} ${(c.size / 1024 / 1024).toFixed(1)} MiB`).join(', ')}`);
    await page.waitForSelector(`#photo-status:has-text("Uploaded ${specs.at(-1).name}")`, { timeout: 60_000 });
    assert.equal(await page.getAttribute('#photo-error', 'hidden'), '', 'no error is shown');

    // the album shows every thumbnail (it polls while one is missing); the first event of a new RGW topic can take 30 s
    await page.waitForFunction((n) => {
      const imgs = [...document.querySelectorAll('#gallery li[data-thumbnail="true"] img')];
      return imgs.length === n && imgs.every((el) => el.complete && el.naturalWidth > 0);
    }, specs.length, { timeout: 90_000 });
    const shown = await page.$$eval('#gallery li[data-thumbnail="true"] img', (imgs) => imgs.map((el) => ({ alt: el.alt, w: el.naturalWidth, h: el.naturalHeight })));
    assert.deepEqual(shown.map((s) => s.alt).sort(), specs.map((s) => s.name).sort(), 'each uploaded photo has its thumbnail in the album');
    for (const s of shown) assert.equal(Math.max(s.w, s.h), 320, `${s.alt}: a 320 px thumbnail, not the photo (${s.w}x${s.h})`);
    assert.ok(!hostCalls.some((c) => c.endsWith('/complete')), `the page never called confirm: the store's event did (host calls: ${hostCalls.join(', ')})`);

    // made by the workers: each thumbnail object names its maker, and the catalog has the photo's real size
    const photos = (await getJson(page, '/api/photos')).body.photos;
    assert.equal(photos.length, specs.length);
    const madeBy = {};
    for (const photo of photos) {
      const spec = specs.find((s) => s.name === photo.fileName);
      assert.deepEqual([photo.width, photo.height], [spec.width, spec.height], `${photo.fileName}: the worker decoded the real image`);
      const response = await fetch(photo.thumbnailUrl);
      assert.equal(response.status, 200, `${photo.fileName}: the thumbnail object exists`);
      assert.equal(response.headers.get('content-type'), 'image/jpeg');
      const maker = response.headers.get(MADE_BY);
      assert.ok(workerIds.includes(maker), `${photo.fileName}: thumbnail made by a worker (${workerIds.join(', ')}), not by ${maker}`);
      madeBy[maker] = (madeBy[maker] ?? 0) + 1;
    }

    // each photo exactly once: the workers logged one thumbnail per photo in all (a redelivered or duplicated event would
    // log a second one), the web host none. Waited for as a condition, then looked at again after RabbitMQ's ack round.
    const logged = () => env.workers.reduce((n, w) => n + (thumbnailsLogged(w)[w.id] ?? 0), 0);
    await until(() => logged() >= specs.length, 10_000, 'the workers\' log lines');
    await new Promise((r) => setTimeout(r, 1_000)); // a duplicate delivery would show up now
    const perWorker = Object.fromEntries(env.workers.map((w) => [w.id, thumbnailsLogged(w)]));
    t.diagnostic(`thumbnails per worker (log): ${JSON.stringify(perWorker)}; per worker (object metadata): ${JSON.stringify(madeBy)}`);
    assert.equal(logged(), specs.length, `one thumbnail per photo in all, no duplicates (${JSON.stringify(perWorker)})`);
    for (const w of env.workers) assert.equal(perWorker[w.id][w.id] ?? 0, madeBy[w.id] ?? 0, `${w.id}: its log and its thumbnails agree`);
    assert.deepEqual(thumbnailsLogged(env.app), {}, 'the web host made no thumbnail');
    for (const w of env.workers) assert.equal(w.exited, null, `${w.id} is still running`);

    await screenshot(page, 'album-workers');
    assert.deepEqual(page.pageErrors, [], 'no uncaught script error');
  });
});
