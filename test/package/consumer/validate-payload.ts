// Checks a presence event, as a client received it, against the schemas of a spec version.
import { writeFileSync } from 'node:fs';
import { exitStatus, renderText, validatePayloads } from 'matrix-presence-conformance/validator';

const event = { type: 'm.presence', sender: '@alice:example.org', content: { presence: 'online', last_active_ago: 2478593, currently_active: true } };
writeFileSync('presence-event.json', JSON.stringify(event));

const result = await validatePayloads({ paths: ['presence-event.json'], specVersion: 'v1.19' });
process.stdout.write(renderText(result));
process.exitCode = exitStatus(result);
