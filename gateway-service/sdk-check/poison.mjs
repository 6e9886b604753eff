// Poison records against a running stack (./cura up): every kind of record a consumer cannot
// handle, on every input topic, sent with kafkajs; then `./cura dlq list` of every service must
// show each record once per consuming service, every service must stay ready throughout, and a
// job sent afterwards must still run to `succeeded` (and a cancelled one end `cancelled`).
//   cd gateway-service/sdk-check && npm install && node poison.mjs
// Prints the dead-letter matrix, the readiness probes and "N passed, M failed"; exit 1 on failure.
import { Kafka } from 'kafkajs';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { api, auth, registerTinyModel, uploadChatFile } from './stack.mjs';

const root = new URL('../../', import.meta.url).pathname;
const run = crypto.randomUUID().slice(0, 8);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// who consumes what (the services' application.properties)
const CONSUMERS = {
  'cura.job.requested': ['gateway', 'quantizer'],
  'cura.checkpoint.quantized': ['gateway', 'trainer'],
  'cura.job.progress': ['gateway'],
  'cura.adapter.trained': ['gateway', 'registry'],
  'cura.adapter.registered': ['gateway'],
  'cura.job.cancel': ['gateway', 'quantizer', 'trainer', 'registry'],
  'cura.job.failed': ['gateway'],
};
const TYPE = {
  'cura.job.requested': 'FineTuneRequested',
  'cura.checkpoint.quantized': 'CheckpointQuantized',
  'cura.job.progress': 'TrainingProgress',
  'cura.adapter.trained': 'AdapterTrained',
  'cura.adapter.registered': 'AdapterRegistered',
  'cura.job.cancel': 'CancelRequested',
  'cura.job.failed': 'JobFailed',
};
const ceHeaders = (type, id) => ({
  ce_specversion: '1.0',
  ce_id: crypto.randomUUID(),
  ce_source: '/hostile/poison-check',
  ce_type: type,
  ce_subject: id,
  'content-type': 'application/json',
});
const structured = (type, id, data) =>
  JSON.stringify({ specversion: '1.0', id: crypto.randomUUID(), source: '/hostile/poison-check', type, subject: id, datacontenttype: 'application/json', data });

const complete = (job) => ({
  job_id: job,
  reason: 'x',
  tenant: 'default',
  base_model: { uri: 'cura-tiny', sha256: '0'.repeat(64) },
  datasets: [{ file_id: 'file-x', split: 'train', uri: `cas:sha256/${'0'.repeat(64)}`, sha256: '0'.repeat(64) }],
  lora: { r: 8, alpha: 16, dropout: 0.05 },
  quantization: { type: 'nf4', double_quant: true, blocksize: 64 },
  optimizer: { name: 'paged_adamw_32bit', learning_rate: 0.001 },
  training: { epochs: 1, batch_size: 2, seq_len: 64, seed: 7, max_steps: 4 },
  adapter_name: 'poison',
});
// each kind: (topic, job id) -> {key, headers, value}
const KINDS = {
  'not-json (binary)': (t, id) => ({ headers: ceHeaders(`dev.cura.${TYPE[t]}.v1`, id), value: '{oops' }),
  'empty value (binary)': (t, id) => ({ headers: ceHeaders(`dev.cura.${TYPE[t]}.v1`, id), value: '' }),
  'tombstone (null value)': (t, id) => ({ headers: ceHeaders(`dev.cura.${TYPE[t]}.v1`, id), value: null }),
  'not-json (structured)': (t, id) => ({ headers: { 'content-type': 'application/cloudevents+json' }, value: '{"specversion":' }),
  'structured, not a CloudEvent': (t, id) => ({ headers: { 'content-type': 'application/cloudevents+json' }, value: '{"hello":"world"}' }),
  'structured, data a string': (t, id) => ({
    headers: { 'content-type': 'application/cloudevents+json' },
    value: structured(`dev.cura.${TYPE[t]}.v1`, id, 'hello'),
  }),
  'no CloudEvents headers': (t, id) => ({ headers: {}, value: JSON.stringify({ job_id: id }) }),
  'specversion 0.3': (t, id) => ({ headers: { ...ceHeaders(`dev.cura.${TYPE[t]}.v1`, id), ce_specversion: '0.3' }, value: JSON.stringify({ job_id: id }) }),
  'ce_time not a time': (t, id) => ({ headers: { ...ceHeaders(`dev.cura.${TYPE[t]}.v1`, id), ce_time: 'yesterday' }, value: JSON.stringify({ job_id: id }) }),
  'unknown type': (t, id) => ({ headers: ceHeaders('dev.cura.NoSuchEvent.v1', id), value: JSON.stringify({ job_id: id }) }),
  'unknown version': (t, id) => ({ headers: ceHeaders(`dev.cura.${TYPE[t]}.v99`, id), value: JSON.stringify({ job_id: id }) }),
  'foreign type (com.example)': (t, id) => ({ headers: ceHeaders('com.example.Order.v1', id), value: JSON.stringify({ job_id: id }) }),
  'data an array': (t, id) => ({ headers: ceHeaders(`dev.cura.${TYPE[t]}.v1`, id), value: '[1,2,3]' }),
  'missing job_id': (t, id) => ({ headers: ceHeaders(`dev.cura.${TYPE[t]}.v1`, id), value: JSON.stringify({ reason: 'x' }) }),
  'job_id a number': (t, id) => ({ headers: ceHeaders(`dev.cura.${TYPE[t]}.v1`, id), value: JSON.stringify({ job_id: 42 }) }),
  // complete payloads (FineTuneRequested, CancelRequested) whose job_id is not the record key
  'key != job_id': (t, id) => ({ headers: ceHeaders(`dev.cura.${TYPE[t]}.v1`, `${id}-other`), value: JSON.stringify(complete(`${id}-other`)) }),
  'structured, key != job_id': (t, id) => ({
    headers: { 'content-type': 'application/cloudevents+json' },
    value: structured(`dev.cura.${TYPE[t]}.v1`, `${id}-other`, complete(`${id}-other`)),
  }),
};

// readiness of every service, probed all along
const ready = { probes: 0, notReady: [] };
let probing = true;
const prober = (async () => {
  while (probing) {
    for (const port of [8080, 8081, 8082, 8083]) {
      ready.probes++;
      try {
        const r = await fetch(`http://127.0.0.1:${port}/q/health/ready`, { signal: AbortSignal.timeout(5000) });
        if (r.status !== 200) ready.notReady.push(`${port}: ${r.status} ${await r.text()}`);
      } catch (e) {
        ready.notReady.push(`${port}: ${e.message}`);
      }
    }
    await sleep(500);
  }
})();

const producer = new Kafka({ clientId: 'cura-poison-check', brokers: ['127.0.0.1:9092'], logLevel: 0 }).producer();
await producer.connect();
const sent = []; // {topic, kind, key}
const since = new Date(Date.now() - 5000).toISOString();
let n = 0;
for (const topic of Object.keys(CONSUMERS)) {
  for (const [kind, make] of Object.entries(KINDS)) {
    const id = `ftjob-poison-${run}-${++n}`;
    const m = make(topic, id);
    await producer.send({ topic, messages: [{ key: id, headers: m.headers, value: m.value }] });
    sent.push({ topic, kind, key: id });
  }
}
await producer.disconnect();
console.log(`sent ${sent.length} poison records (${Object.keys(KINDS).length} kinds x ${Object.keys(CONSUMERS).length} topics), run ${run}`);

// dead letters, per service, until every expected one is there (or 3 minutes)
const expected = sent.reduce((a, s) => a + CONSUMERS[s.topic].length, 0);
let letters = {};
for (let t = 0; t < 36; t++) {
  await sleep(5000);
  letters = {};
  for (const svc of ['gateway', 'quantizer', 'trainer', 'registry']) {
    const out = execFileSync(`${root}cura`, ['dlq', 'list', svc, '--since', since], { encoding: 'utf8' });
    for (const line of out.split('\n')) {
      const k = /key=(ftjob-poison-[0-9a-f]{8}-\d+)/.exec(line);
      if (k && k[1].includes(run)) (letters[k[1]] ??= {})[svc] = line.split(/\s{2,}/).slice(5, 6).join('');
    }
  }
  const got = Object.values(letters).reduce((a, l) => a + Object.keys(l).length, 0);
  if (got >= expected) break;
}
let passed = 0;
let failed = 0;
for (const s of sent) {
  const got = letters[s.key] ?? {};
  const missing = CONSUMERS[s.topic].filter((svc) => !got[svc]);
  const ok = missing.length === 0;
  ok ? passed++ : failed++;
  const codes = Object.entries(got).map(([svc, code]) => `${svc}:${code}`).join(' ');
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${s.topic} ${s.kind}: ${codes}${ok ? '' : ` (not dead-lettered by ${missing.join(', ')})`}`);
}

// the consumers carry on: a job to succeeded, a cancelled job to cancelled
async function call(method, path, body) {
  const r = await fetch(api + path, { method, headers: { ...auth, 'Content-Type': 'application/json' }, body: body && JSON.stringify(body) });
  return r.json();
}
await registerTinyModel();
const file = await uploadChatFile('poison-after.jsonl');
const job = await call('POST', '/fine_tuning/jobs', { model: 'cura-tiny', training_file: file.id, suffix: `after-poison`, hyperparameters: { max_steps: 4, batch_size: 2 } });
const victim = await call('POST', '/fine_tuning/jobs', { model: 'cura-tiny', training_file: file.id, hyperparameters: { max_steps: 400, batch_size: 2 } });
await sleep(3000);
await call('POST', `/fine_tuning/jobs/${victim.id}/cancel`);
const want = { [job.id]: 'succeeded', [victim.id]: 'cancelled' };
for (const [id, status] of Object.entries(want)) {
  let s = 'not seen';
  for (let t = 0; t < 600 && !['succeeded', 'failed', 'cancelled'].includes(s); t++) {
    await sleep(1000);
    s = (await call('GET', `/fine_tuning/jobs/${id}`)).status;
  }
  s === status ? passed++ : failed++;
  console.log(`${s === status ? 'ok  ' : 'FAIL'} after the poison: ${id} ${s} (expected ${status})`);
}
probing = false;
await prober;
const readyOk = ready.notReady.length === 0;
readyOk ? passed++ : failed++;
console.log(`${readyOk ? 'ok  ' : 'FAIL'} readiness: ${ready.probes} probes, ${ready.notReady.length} not ready${readyOk ? '' : ': ' + ready.notReady.slice(0, 10).join('; ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
