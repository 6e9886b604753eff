// Upstream jobs from the CloudEvents JavaScript SDK (cloudevents 10.x, its Kafka binding) sent with
// kafkajs: one FineTuneRequested in structured mode, one in binary mode, straight onto
// cura.job.requested of a running stack (./cura up); both must end `succeeded`.
//   cd gateway-service/sdk-check && npm install && node cloudevents.mjs
// Prints one line per job and "N passed, M failed"; exit 1 when any failed.
import { CloudEvent, Kafka as CeKafka } from 'cloudevents';
import { Kafka } from 'kafkajs';
import crypto from 'node:crypto';
import { api, auth, registerTinyModel, uploadChatFile } from './stack.mjs';

const get = async (path) => (await fetch(api + path, { headers: auth })).json();

await registerTinyModel();
const model = await get('/models/cura-tiny');
const file = await uploadChatFile('ce.jsonl');

const producer = new Kafka({ clientId: 'cura-ce-check', brokers: ['127.0.0.1:9092'], logLevel: 0 }).producer();
await producer.connect();
let passed = 0;
let failed = 0;
for (const [mode, encode] of [['structured', CeKafka.structured], ['binary', CeKafka.binary]]) {
  const job = `ftjob-ce-${mode}-${crypto.randomUUID()}`;
  const event = new CloudEvent({
    specversion: '1.0',
    id: crypto.randomUUID(),
    source: '/upstream/cloudevents-js',
    type: 'dev.cura.FineTuneRequested.v1',
    subject: job,
    datacontenttype: 'application/json',
    data: {
      job_id: job,
      tenant: 'default',
      base_model: { uri: 'cura-tiny', sha256: model.sha256 },
      datasets: [{ file_id: file.id, split: 'train', uri: `cas:sha256/${file.sha256}`, sha256: file.sha256 }],
      lora: { r: 8, alpha: 16, dropout: 0.05 },
      quantization: { type: 'nf4', double_quant: true, blocksize: 64 },
      optimizer: { name: 'paged_adamw_32bit', learning_rate: 0.001 },
      training: { epochs: 1, batch_size: 2, seq_len: 64, seed: 7, max_steps: 4, checkpoint_every: 2 },
      adapter_name: `cura-tiny-ce-${mode}`,
    },
  });
  const message = encode(event);
  // the SDK's headers, less the attributes it lists but were never set (dataschema: undefined,
  // which kafkajs cannot encode and String() would turn into the value "undefined")
  const headers = Object.fromEntries(Object.entries(message.headers).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
  const value = typeof message.body === 'string' ? message.body : JSON.stringify(message.body);
  await producer.send({ topic: 'cura.job.requested', messages: [{ key: job, headers, value }] });
  let status = 'not seen';
  for (let t = 0; t < 600 && !['succeeded', 'failed', 'cancelled'].includes(status); t++) {
    if (t === 120 && status === 'not seen') break; // never projected: see ./cura dlq list gateway
    await new Promise((r) => setTimeout(r, 1000));
    const j = await get(`/fine_tuning/jobs/${job}`);
    status = j.status ?? 'not seen';
    if (status === 'failed') console.log(`  ${mode}: ${JSON.stringify(j.error)}`);
  }
  if (status === 'succeeded') passed++;
  else failed++;
  console.log(`${status === 'succeeded' ? 'ok  ' : 'FAIL'} ${mode} mode: ${job} ${status}`);
}
await producer.disconnect();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
