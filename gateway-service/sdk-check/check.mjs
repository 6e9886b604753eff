// The official OpenAI Node SDK against a running CURA stack (./cura up): every files and
// fine-tuning call, auto-pagination, events, checkpoints, cancel and typed errors.
//   cd gateway-service/sdk-check && npm install && node check.mjs [--url http://127.0.0.1:8080/v1]
// Prints one line per call and "N passed, M failed" at the end; exit 1 when any failed.
import OpenAI from 'openai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { apiKey, chatLines, registerTinyModel } from './stack.mjs';

const args = process.argv.slice(2);
const url = args.includes('--url') ? args[args.indexOf('--url') + 1] : 'http://127.0.0.1:8080/v1';
const client = new OpenAI({ baseURL: url, apiKey, maxRetries: 2 });
const STATUSES = ['validating_files', 'queued', 'running', 'succeeded', 'failed', 'cancelled'];
let passed = 0;
let failed = 0;

async function check(name, fn) {
  try {
    const detail = await fn();
    passed++;
    console.log(`ok   ${name}${detail ? ` (${detail})` : ''}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e?.status ?? ''} ${e?.message ?? e}`);
  }
}
function expect(cond, what) {
  if (!cond) throw new Error(`expected ${what}`);
}
// a call that must fail: `inspect` checks its error (and may return a detail); when the call
// succeeds, the check fails with `done` (what the call did)
async function checkRejects(name, call, inspect, done) {
  await check(name, async () => {
    try {
      await call();
    } catch (e) {
      return inspect(e);
    }
    throw new Error(done);
  });
}
function jobShape(j) {
  expect(j.object === 'fine_tuning.job', `object fine_tuning.job, got ${j.object}`);
  expect(STATUSES.includes(j.status), `an OpenAI status, got ${j.status}`);
  expect(typeof j.organization_id === 'string', 'organization_id');
  expect(Array.isArray(j.result_files), 'result_files');
  expect(typeof j.seed === 'number', 'seed');
  expect(!JSON.stringify(j).includes('"/'), 'no server paths');
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// a base model to train (admin key); the bundled tiny one
await registerTinyModel(url.replace(/\/v1$/, '') + '/v1');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cura-sdk-'));
const train = path.join(dir, 'train.jsonl');
fs.writeFileSync(train, chatLines(32));

let fileIds = [];
await check('files.create x3', async () => {
  for (let i = 0; i < 3; i++) {
    const f = await client.files.create({ file: fs.createReadStream(train), purpose: 'fine-tune' });
    expect(f.object === 'file' && f.status === 'processed', 'a processed file');
    fileIds.push(f.id);
  }
});
await check('files.retrieve', async () => (await client.files.retrieve(fileIds[0])).id);
await check('files.list auto-paging (limit 1)', async () => {
  const seen = [];
  for await (const f of client.files.list({ limit: 1 })) seen.push(f.id);
  expect(fileIds.every((id) => seen.includes(id)), 'every uploaded file');
  return `${seen.length} files`;
});
await check('files.waitForProcessing', async () => {
  const f = await client.files.waitForProcessing(fileIds[1], { pollInterval: 200, maxWait: 10_000 });
  expect(f.status === 'processed', `processed, got ${f.status}`);
});
await check('files.list purpose fine-tune, order asc', async () => {
  const seen = [];
  for await (const f of client.files.list({ purpose: 'fine-tune', order: 'asc', limit: 2 })) seen.push(f);
  expect(seen.every((f) => f.purpose === 'fine-tune'), 'only fine-tune files');
  expect(seen.every((f, i) => i === 0 || f.created_at >= seen[i - 1].created_at), 'oldest first');
  expect(fileIds.every((id) => seen.some((f) => f.id === id)), 'every uploaded file');
});
await check('files.content', async () => {
  const body = await (await client.files.content(fileIds[0])).text();
  expect(body === fs.readFileSync(train, 'utf8'), 'the uploaded bytes');
});
await check('files.delete', async () => {
  const d = await client.files.delete(fileIds[2]);
  expect(d.deleted === true, 'deleted');
});
await check('files.retrieve deleted -> NotFoundError', async () => {
  try {
    await client.files.retrieve(fileIds[2]);
  } catch (e) {
    expect(e instanceof OpenAI.NotFoundError, 'NotFoundError');
    return;
  }
  throw new Error('no error');
});

const jobs = [];
await check('fine_tuning.jobs.create (method supervised, learning_rate_multiplier)', async () => {
  for (let i = 0; i < 3; i++) {
    const j = await client.fineTuning.jobs.create({
      model: 'cura-tiny',
      training_file: fileIds[0],
      suffix: `node${i}`,
      seed: 42,
      method: {
        type: 'supervised',
        supervised: { hyperparameters: { n_epochs: 1, batch_size: 2, learning_rate_multiplier: 5, max_steps: 6, checkpoint_every: 3 } },
      },
    });
    jobShape(j);
    expect(Math.abs(j.hyperparameters.learning_rate_multiplier - 5) < 1e-9, 'the multiplier echoed');
    jobs.push(j);
  }
  return jobs.map((j) => j.id).join(', ');
});
await check('fine_tuning.jobs.create dpo -> BadRequestError naming method.type', async () => {
  try {
    await client.fineTuning.jobs.create({ model: 'cura-tiny', training_file: fileIds[0], method: { type: 'dpo', dpo: {} } });
  } catch (e) {
    expect(e instanceof OpenAI.BadRequestError, 'BadRequestError');
    expect(e.param === 'method.type', `param method.type, got ${e.param}`);
    return;
  }
  throw new Error('accepted');
});
await check('fine_tuning.jobs.retrieve', async () => jobShape(await client.fineTuning.jobs.retrieve(jobs[0].id)));
await check('fine_tuning.jobs.list auto-paging (limit 1)', async () => {
  const seen = [];
  for await (const j of client.fineTuning.jobs.list({ limit: 1 })) {
    jobShape(j);
    seen.push(j.id);
    if (seen.length > 200) break;
  }
  expect(jobs.every((j) => seen.includes(j.id)), 'every created job');
});
await check('fine_tuning.jobs.cancel', async () => {
  const c = await client.fineTuning.jobs.cancel(jobs[2].id);
  expect(c.status === 'cancelled', `cancelled, got ${c.status}`);
});
await check('job runs to succeeded', async () => {
  for (let t = 0; t < 600; t++) {
    const j = await client.fineTuning.jobs.retrieve(jobs[0].id);
    jobShape(j);
    if (j.status === 'succeeded') return `${j.fine_tuned_model}, trained_tokens ${j.trained_tokens}`;
    if (j.status === 'failed' || j.status === 'cancelled') throw new Error(`${j.status}: ${JSON.stringify(j.error)}`);
    await sleep(1000);
  }
  throw new Error('still running after 10 min');
});
await check('fine_tuning.jobs.listEvents auto-paging (limit 2)', async () => {
  const events = [];
  for await (const e of client.fineTuning.jobs.listEvents(jobs[0].id, { limit: 2 })) events.push(e);
  expect(events.length > 3, 'several events');
  expect(events.every((e) => e.object === 'fine_tuning.job.event' && ['message', 'metrics'].includes(e.type)), 'types message|metrics');
  expect(!JSON.stringify(events).includes('"/'), 'no server paths');
  return `${events.length} events`;
});
await check('fine_tuning.jobs.checkpoints.list auto-paging (limit 1)', async () => {
  const cps = [];
  for await (const c of client.fineTuning.jobs.checkpoints.list(jobs[0].id, { limit: 1 })) cps.push(c);
  expect(cps.length >= 1, 'a checkpoint');
  expect(cps.every((c) => c.fine_tuned_model_checkpoint && c.metrics && typeof c.step_number === 'number'), 'checkpoint shape');
  expect(!JSON.stringify(cps).includes('"/'), 'no server paths');
  return `${cps.length} checkpoints`;
});
await checkRejects(
  'cancel a finished job -> 409 job_finished, not retried',
  () => client.fineTuning.jobs.cancel(jobs[0].id),
  (e) => {
    expect(e.status === 409 && e.code === 'job_finished', `409 job_finished, got ${e.status} ${e.code}`);
    expect(e.headers.get('x-should-retry') === 'false', 'x-should-retry: false');
  },
  'cancelled a finished job',
);
const isA = (type, what) => (e) => expect(e instanceof type, what);
await checkRejects('pause -> BadRequestError', () => client.fineTuning.jobs.pause(jobs[1].id), isA(OpenAI.BadRequestError, 'BadRequestError'), 'paused');
await checkRejects('resume -> BadRequestError', () => client.fineTuning.jobs.resume(jobs[1].id), isA(OpenAI.BadRequestError, 'BadRequestError'), 'resumed');
// what CURA does not offer answers a typed 4xx in the error shape, never a 5xx or an HTML page
// (checkpoint permissions are an admin API in the SDK: it sends the key set as adminAPIKey)
const admin = new OpenAI({ baseURL: url, apiKey, adminAPIKey: apiKey, maxRetries: 0 });
for (const [name, call] of [
  ['checkpoints.permissions.create', () => admin.fineTuning.checkpoints.permissions.create('ft:cura-tiny:x', { project_ids: ['p'] })],
  ['checkpoints.permissions.retrieve', () => admin.fineTuning.checkpoints.permissions.retrieve('ft:cura-tiny:x')],
  ['checkpoints.permissions.delete', () => admin.fineTuning.checkpoints.permissions.delete('perm-1', { fine_tuned_model_checkpoint: 'ft:cura-tiny:x' })],
  ['alpha.graders.validate', () => client.fineTuning.alpha.graders.validate({ grader: { type: 'string_check', name: 'g', input: 'a', reference: 'b', operation: 'eq' } })],
]) {
  await checkRejects(
    `${name} -> a typed 4xx`,
    call,
    (e) => {
      expect(e instanceof OpenAI.APIError && e.status >= 400 && e.status < 500, `a 4xx APIError, got ${e.status} ${e.constructor.name}`);
      expect(typeof e.error?.message === 'string' && e.error.message.length > 0, 'an error message');
      return `${e.status} ${e.constructor.name}`;
    },
    'accepted',
  );
}
await checkRejects('retrieve unknown job -> NotFoundError', () => client.fineTuning.jobs.retrieve('ftjob-does-not-exist'), isA(OpenAI.NotFoundError, 'NotFoundError'), 'found');
await checkRejects(
  'wrong key -> AuthenticationError',
  () => new OpenAI({ baseURL: url, apiKey: 'wrong-key-0123456789abcdef', maxRetries: 0 }).fineTuning.jobs.list(),
  isA(OpenAI.AuthenticationError, 'AuthenticationError'),
  'accepted',
);
await check('models.list', async () => {
  const ms = [];
  for await (const m of client.models.list()) ms.push(m);
  expect(ms.some((m) => m.id === 'cura-tiny'), 'cura-tiny listed');
  expect(!JSON.stringify(ms).includes('"path"'), 'no server path');
});
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
