// Asks a running homeserver how it answers each presence behaviour and prints one Markdown table row
// per probe (request -> status, errcode, relevant fields). The facts in docs/synapse.md come from this.
//
//   npx tsx scripts/synapse/probe.ts http://127.0.0.1:PORT [--timed]
//   (--timed: the timer-driven behaviours instead; takes about a minute)
//
// It registers fresh users with m.login.dummy, so the server needs open registration. PUTs are paced to
// stay under the profile's rate limit (5/s, burst 3) except in the deliberate burst.

type Json = Record<string, unknown>;
interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}
interface User {
  user_id: string;
  access_token: string;
}

const base = process.argv[2];
if (base === undefined || !/^https?:\/\/[^/]+$/.test(base)) {
  process.stderr.write('usage: probe.ts http://127.0.0.1:PORT\n');
  process.exit(2);
}
const run = Date.now().toString(36);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function call(method: string, path: string, opts: { token?: string; body?: unknown; raw?: string; type?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (opts.token !== undefined) headers['authorization'] = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers['content-type'] = opts.type ?? 'application/json';
  const res = await fetch(base + path, { method, headers, body, signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* keep the text */
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

function row(what: string, a: Answer, note = ''): void {
  const shown = a.text.length > 160 ? a.text.slice(0, 160) + '…' : a.text;
  process.stdout.write(`| ${what} | ${a.status} | \`${shown.replace(/\|/g, '\\|')}\` | ${note} |\n`);
}

async function register(name: string): Promise<User> {
  const a = await call('POST', '/_matrix/client/v3/register', {
    body: { username: `${name}-${run}`, password: `pw-${name}-${run}`, auth: { type: 'm.login.dummy' } },
  });
  if (a.status !== 200) throw new Error(`register ${name}: ${a.status} ${a.text}`);
  return a.body as User;
}

const status = (u: string, prefix = '/_matrix/client/v3'): string => `${prefix}/presence/${encodeURIComponent(u)}/status`;

/** A PUT of own presence, paced to stay under the rate limit. */
async function put(u: User, body: unknown, opts: { raw?: string; type?: string } = {}): Promise<Answer> {
  await sleep(450);
  return call('PUT', status(u.user_id), { token: u.access_token, body, ...opts });
}

async function syncPresence(u: User, query: string): Promise<{ a: Answer; events: Json[] }> {
  const a = await call('GET', `/_matrix/client/v3/sync?${query}`, { token: u.access_token });
  const events = ((a.body as Json)?.['presence'] as { events?: Json[] } | undefined)?.events ?? [];
  return { a, events };
}

function showEvents(events: Json[], sender: string): string {
  return JSON.stringify(events.filter((e) => e['sender'] === sender));
}

async function main(): Promise<void> {
  process.stdout.write('| probe | status | body | note |\n| --- | --- | --- | --- |\n');
  const versions = await call('GET', '/_matrix/client/versions');
  row('GET /versions', versions);
  const alice = await register('alice');
  const bob = await register('bob');
  const carol = await register('carol');

  row('GET own presence, never set', await call('GET', status(alice.user_id), { token: alice.access_token }));
  row('GET stranger (no shared room)', await call('GET', status(carol.user_id), { token: alice.access_token }));
  row('GET unknown local user', await call('GET', status(`@nobody-${run}:localhost`), { token: alice.access_token }));
  row('GET malformed user id "alice"', await call('GET', status('alice'), { token: alice.access_token }));

  const ok = await put(alice, { presence: 'online', status_msg: 'here' });
  row('PUT own online + status_msg', ok, `content-type: ${ok.headers.get('content-type') ?? '-'}`);
  const g = await call('GET', status(alice.user_id), { token: alice.access_token });
  row('GET own after PUT online', g, `content-type: ${g.headers.get('content-type') ?? '-'}`);
  row('PUT of another user', await call('PUT', status(bob.user_id), { token: alice.access_token, body: { presence: 'online' } }));

  row('PUT missing presence', await put(alice, { status_msg: 'x' }));
  row('PUT presence "away"', await put(alice, { presence: 'away' }));
  row('PUT presence "free_for_chat"', await put(alice, { presence: 'free_for_chat' }));
  row('PUT presence "busy"', await put(alice, { presence: 'busy' }));
  row('PUT presence 1', await put(alice, { presence: 1 }));
  row('PUT status_msg 5', await put(alice, { presence: 'online', status_msg: 5 }));
  row('PUT status_msg null', await put(alice, { presence: 'online', status_msg: null }));
  row('PUT extra key', await put(alice, { presence: 'online', mood: 'ok' }));
  row('PUT body is an array', await put(alice, ['online']));
  row('PUT body is a string', await put(alice, 'online'));
  row('PUT unparsable body', await put(alice, undefined, { raw: '{not json' }));
  row('PUT empty body', await put(alice, undefined, { raw: '' }));
  await sleep(450);
  row('PUT no body, no content-type', await call('PUT', status(alice.user_id), { token: alice.access_token }));
  row('PUT valid JSON as text/plain', await put(alice, undefined, { raw: '{"presence":"online"}', type: 'text/plain' }));

  row('PUT without token', await call('PUT', status(alice.user_id), { body: { presence: 'online' } }));
  row('PUT bad token', await call('PUT', status(alice.user_id), { token: 'nope', body: { presence: 'online' } }));
  row('GET without token', await call('GET', status(alice.user_id)));
  await sleep(450);
  row(
    'PUT token in query string',
    await call('PUT', `${status(alice.user_id)}?access_token=${alice.access_token}`, { body: { presence: 'online', status_msg: 'qs' } }),
  );
  row('GET r0 path', await call('GET', status(alice.user_id, '/_matrix/client/r0'), { token: alice.access_token }));
  await sleep(450);
  row('PUT r0 path', await call('PUT', status(alice.user_id, '/_matrix/client/r0'), { token: alice.access_token, body: { presence: 'online' } }));
  row('GET api/v1 path', await call('GET', status(alice.user_id, '/_matrix/client/api/v1'), { token: alice.access_token }));
  row('GET literal @ and : in path', await call('GET', `/_matrix/client/v3/presence/${alice.user_id}/status`, { token: alice.access_token }));

  // status_msg lifecycle
  row('PUT online, status_msg "a"', await put(alice, { presence: 'online', status_msg: 'a' }));
  row('PUT unavailable, no status_msg', await put(alice, { presence: 'unavailable' }));
  row('GET after that (kept or cleared?)', await call('GET', status(alice.user_id), { token: alice.access_token }));
  row('PUT online, status_msg ""', await put(alice, { presence: 'online', status_msg: '' }));
  row('GET after status_msg ""', await call('GET', status(alice.user_id), { token: alice.access_token }));
  row('PUT offline, status_msg "gone"', await put(alice, { presence: 'offline', status_msg: 'gone' }));
  row('GET after offline', await call('GET', status(alice.user_id), { token: alice.access_token }));

  // sharing a room makes presence visible
  const room = await call('POST', '/_matrix/client/v3/createRoom', { token: alice.access_token, body: { preset: 'public_chat' } });
  const roomId = (room.body as Json)['room_id'] as string;
  const join = await call('POST', `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`, { token: bob.access_token, body: {} });
  row("bob joins alice's room", join);
  row('GET bob by alice, shared room', await call('GET', status(bob.user_id), { token: alice.access_token }));

  // /sync delivery
  const first = await syncPresence(bob, 'set_presence=offline&timeout=0');
  row('bob initial sync (set_presence=offline)', first.a, `alice's events: ${showEvents(first.events, alice.user_id)}`);
  const since = (first.a.body as Json)['next_batch'] as string;
  row('PUT alice online "back"', await put(alice, { presence: 'online', status_msg: 'back' }));
  const inc = await syncPresence(bob, `set_presence=offline&timeout=3000&since=${encodeURIComponent(since)}`);
  row('bob incremental sync', inc.a, `alice's events: ${showEvents(inc.events, alice.user_id)}`);
  const carolSync = await syncPresence(carol, 'set_presence=offline&timeout=0');
  row('carol (no shared room) initial sync', carolSync.a, `alice's events: ${showEvents(carolSync.events, alice.user_id)}`);
  const own = await syncPresence(alice, 'set_presence=online&timeout=0');
  row('alice own sync (set_presence=online)', own.a, `own events: ${showEvents(own.events, alice.user_id)}`);
  row('sync set_presence=bogus', (await syncPresence(alice, 'set_presence=bogus&timeout=0')).a);
  await syncPresence(alice, 'set_presence=unavailable&timeout=0');
  row('GET after sync set_presence=unavailable', await call('GET', status(alice.user_id), { token: alice.access_token }));
  const dave = await register('dave');
  await syncPresence(dave, 'set_presence=unavailable&timeout=0');
  row('GET own after first sync set_presence=unavailable (dave)', await call('GET', status(dave.user_id), { token: dave.access_token }));

  // profile propagation
  const s2 = await syncPresence(bob, `set_presence=offline&timeout=0&since=${encodeURIComponent((inc.a.body as Json)['next_batch'] as string)}`);
  await call('PUT', `/_matrix/client/v3/profile/${encodeURIComponent(alice.user_id)}/displayname`, {
    token: alice.access_token,
    body: { displayname: 'Alice A' },
  });
  const s3 = await syncPresence(bob, `set_presence=offline&timeout=3000&since=${encodeURIComponent((s2.a.body as Json)['next_batch'] as string)}`);
  row('bob sync after alice sets displayname', s3.a, `alice's m.presence: ${showEvents(s3.events, alice.user_id)}`);

  // rate limit
  await sleep(1000);
  const burst: Answer[] = [];
  for (let i = 0; i < 10; i++) burst.push(await call('PUT', status(bob.user_id), { token: bob.access_token, body: { presence: 'online' } }));
  const firstLimited = burst.findIndex((a) => a.status === 429);
  const limited = burst[firstLimited];
  if (limited !== undefined) {
    row(
      `burst of 10 PUTs: first 429 is #${firstLimited + 1}`,
      limited,
      `Retry-After: ${limited.headers.get('retry-after') ?? '(none)'}, statuses ${burst.map((a) => a.status).join(',')}`,
    );
    const wait = Number((limited.body as Json)['retry_after_ms'] ?? 1000);
    await sleep(wait);
    row(`PUT after waiting retry_after_ms (${wait})`, await call('PUT', status(bob.user_id), { token: bob.access_token, body: { presence: 'online' } }));
  } else {
    process.stdout.write(`| burst of 10 PUTs | ${burst.map((a) => a.status).join(',')} | | no 429 |\n`);
  }
}

/** Timed behaviours: watch one user's GET presence over time, and what resets last_active_ago. */
async function timed(): Promise<void> {
  process.stdout.write('\n| time after PUT online (ms) | GET presence |\n| --- | --- |\n');
  const erin = await register('erin');
  const start = Date.now();
  await call('PUT', status(erin.user_id), { token: erin.access_token, body: { presence: 'online', status_msg: 'idle test' } });
  let last = '';
  while (Date.now() - start < 50_000) {
    const a = await call('GET', status(erin.user_id), { token: erin.access_token });
    const b = { ...(a.body as Json) };
    const ago = b['last_active_ago'];
    delete b['last_active_ago'];
    const key = JSON.stringify(b);
    if (key !== last) process.stdout.write(`| ${Date.now() - start} | ${key} (last_active_ago ${String(ago)}) |\n`);
    last = key;
    await sleep(250);
  }
  process.stdout.write('\n| activity | last_active_ago before -> after |\n| --- | --- |\n');
  const frank = await register('frank');
  const room = await call('POST', '/_matrix/client/v3/createRoom', { token: frank.access_token, body: {} });
  const roomId = (room.body as Json)['room_id'] as string;
  const ago = async (): Promise<string> => JSON.stringify((await call('GET', status(frank.user_id), { token: frank.access_token })).body);
  await call('PUT', status(frank.user_id), { token: frank.access_token, body: { presence: 'online' } });
  await sleep(3000);
  let before = await ago();
  await call('PUT', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/t1`, {
    token: frank.access_token,
    body: { msgtype: 'm.text', body: 'hi' },
  });
  process.stdout.write(`| send a message (online) | ${before} -> ${await ago()} |\n`);
  await sleep(3000);
  before = await ago();
  await call('PUT', status(frank.user_id), { token: frank.access_token, body: { presence: 'unavailable' } });
  process.stdout.write(`| PUT unavailable (lowering) | ${before} -> ${await ago()} |\n`);
  await sleep(3000);
  before = await ago();
  await call('PUT', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/t2`, {
    token: frank.access_token,
    body: { msgtype: 'm.text', body: 'hi' },
  });
  process.stdout.write(`| send a message (unavailable) | ${before} -> ${await ago()} |\n`);
  await sleep(3000);
  before = await ago();
  await call('PUT', status(frank.user_id), { token: frank.access_token, body: { presence: 'online' } });
  process.stdout.write(`| PUT online (raising) | ${before} -> ${await ago()} |\n`);
  await sleep(3000);
  before = await ago();
  await call('GET', '/_matrix/client/v3/sync?timeout=0&set_presence=online', { token: frank.access_token });
  process.stdout.write(`| /sync set_presence=online while online | ${before} -> ${await ago()} |\n`);
}

const phase = process.argv[3] === '--timed' ? timed : main;
phase().catch((err: unknown) => {
  process.stderr.write(`probe: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
