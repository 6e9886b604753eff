// What the scripts here share: the running stack (./cura up), its API key, the bundled tiny base
// model and a small chat dataset to train on.
import fs from 'node:fs';

export const api = 'http://127.0.0.1:8080/v1';
export const apiKey =
  process.env.CURA_API_KEY ?? fs.readFileSync(new URL('../../.cura/local/api-key', import.meta.url), 'utf8').trim();
export const auth = { Authorization: `Bearer ${apiKey}` };

// n chat examples, one JSON line each
export const chatLines = (n) =>
  Array.from({ length: n }, (_, i) =>
    JSON.stringify({ messages: [{ role: 'user', content: `hi ${i}` }, { role: 'assistant', content: `hello ${i}` }] })).join('\n') + '\n';

// registers the bundled models/cura-tiny as base model cura-tiny (the key is an admin key)
export async function registerTinyModel(base = api) {
  await fetch(base + '/models', {
    method: 'POST',
    headers: { ...auth, 'Content-Type': 'application/json' },
    body: JSON.stringify({ id: 'cura-tiny', path: 'models/cura-tiny' }),
  });
}

// uploads 24 chat examples as a fine-tune file named `name`; the file object
export async function uploadChatFile(name) {
  const form = new FormData();
  form.append('file', new Blob([chatLines(24)]), name);
  form.append('purpose', 'fine-tune');
  return (await fetch(api + '/files', { method: 'POST', headers: auth, body: form })).json();
}
