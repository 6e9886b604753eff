// Validates Kubernetes manifests (multi-document YAML, e.g. `kubectl kustomize` output) against
// the JSON schemas bundled in the npm packages kubernetes-models (core API),
// @kubernetes-models/keda and @kubernetes-models/prometheus-operator. Offline once installed.
//   node deploy/validate-k8s.mjs FILE.yaml...      (run by deploy/validate.sh, which installs them)
// Kinds without a bundled schema (Strimzi, CloudNativePG) are listed, not failed: cura-deploy's
// JUnit tests check their structure.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const packages = [
  { test: (g) => !g.includes(".") || g.endsWith(".k8s.io"), pkg: "kubernetes-models" },
  { test: (g) => g === "keda.sh", pkg: "@kubernetes-models/keda" },
  { test: (g) => g === "monitoring.coreos.com", pkg: "@kubernetes-models/prometheus-operator" },
];

async function modelFor(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const entry = packages.find((p) => p.test(group));
  if (!entry) return null;
  const path = group === "" ? `${entry.pkg}/${version}/${kind}` : `${entry.pkg}/${group}/${version}/${kind}`;
  try {
    const mod = await import(path + ".js").catch(() => import(path));
    return mod[kind] ?? mod.default ?? null;
  } catch {
    return undefined; // the package exists but does not know this kind/version
  }
}

let failed = 0, valid = 0;
const unchecked = new Map();
for (const file of process.argv.slice(2)) {
  const docs = parseAllDocuments(readFileSync(file, "utf8"));
  for (const doc of docs) {
    if (doc.errors.length) { console.error(`${file}: YAML error: ${doc.errors[0].message}`); failed++; continue; }
    const obj = doc.toJS();
    if (!obj) continue;
    const id = `${obj.kind}/${obj.metadata?.name} (${obj.apiVersion})`;
    const Model = await modelFor(obj.apiVersion, obj.kind);
    if (Model === undefined) { console.error(`${file}: ${id}: no such kind/version in the schema package`); failed++; continue; }
    if (Model === null) { unchecked.set(`${obj.apiVersion} ${obj.kind}`, (unchecked.get(`${obj.apiVersion} ${obj.kind}`) ?? 0) + 1); continue; }
    try {
      new Model(obj).validate();
      valid++;
    } catch (e) {
      failed++;
      console.error(`${file}: ${id}: ${e.message}`);
      for (const err of e.errors ?? []) console.error(`    ${err.instancePath || "/"} ${err.message} ${JSON.stringify(err.params)}`);
    }
  }
}
for (const [k, n] of unchecked) console.log(`  no bundled schema (structure checked by cura-deploy tests): ${k} x${n}`);
console.log(`${valid} valid, ${failed} invalid`);
process.exit(failed ? 1 : 0);
