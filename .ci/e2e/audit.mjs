// Runs graphql-http's server audits against a running Patchbay; every MUST and SHOULD must pass.
import { auditServer } from 'graphql-http';

const url = `${process.env.PATCHBAY_URL ?? 'http://127.0.0.1:8000'}/graphql`;
const results = await auditServer({ url });
let failed = 0;
for (const result of results) {
  const level = result.name.split(' ')[0];
  if (result.status === 'ok') continue;
  const required = level === 'MUST' || level === 'SHOULD';
  if (required) failed += 1;
  const body = result.response ? await result.response.text().catch(() => '') : '';
  console.log(`${required ? 'FAIL' : 'note'} ${result.id} ${result.name}: ${result.reason} ${body.slice(0, 200)}`);
}
const counted = results.filter((r) => /^(MUST|SHOULD)/.test(r.name)).length;
console.log(`graphql-http audits: ${counted - failed}/${counted} MUST/SHOULD passed`);
process.exit(failed === 0 ? 0 : 1);
