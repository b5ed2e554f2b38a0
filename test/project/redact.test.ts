// The Redactor on its own: every form a credential takes in a report (JSON keys, escaped JSON inside a
// message, query strings, bearer headers, literal values anywhere, percent-encoded), idempotence, and
// prose left alone.
import { expect } from 'chai';
import { REDACTED, Redactor, mask, withoutUserInfo } from '../../project/redact.js';

const TOKEN = 'syt_YWxpY2U_abcdefghijklmnop_1x2y3z';
const PASSWORD = '0123456789abcdef01234567';

describe('Redactor', () => {
  it('masks the values of secret keys in JSON text, keeping a 4-character prefix of long tokens only', () => {
    const r = new Redactor();
    const out = r.text(JSON.stringify({ user_id: '@a:hs', access_token: TOKEN, password: PASSWORD, device_id: 'DEV' }));
    expect(JSON.parse(out)).to.deep.equal({ user_id: '@a:hs', access_token: `syt_…${REDACTED}`, password: `…${REDACTED}`, device_id: 'DEV' });
  });

  it('masks secret keys in JSON escaped inside a message, and in clipped JSON that no longer parses', () => {
    const r = new Redactor();
    const message = `got ${JSON.stringify(JSON.stringify({ nonce: 'n0nce-value', mac: 'deadbeefdeadbeef' }))}`;
    expect(r.text(message)).to.not.match(/n0nce-value|deadbeef/);
    expect(r.text(`{"access_token":"${TOKEN}","pass`)).to.equal(`{"access_token":"syt_…${REDACTED}","pass`);
  });

  it('masks ?access_token= in URLs and bearer credentials, but not prose about them', () => {
    const r = new Redactor();
    expect(r.text(`http://h/_matrix/client/v3/sync?timeout=0&access_token=${TOKEN}`)).to.equal(
      `http://h/_matrix/client/v3/sync?timeout=0&access_token=syt_…${REDACTED}`,
    );
    expect(r.text(`Bearer ${TOKEN}`)).to.equal(`Bearer syt_…${REDACTED}`);
    expect(r.text('sent as Authorization: Bearer ... in a header')).to.equal('sent as Authorization: Bearer ... in a header');
  });

  it('replaces known values wherever they appear, also percent-encoded or JSON-escaped, longest first', () => {
    const r = new Redactor();
    r.addSecret('sh@red secret/1', 'secret');
    r.addSecret(TOKEN, 'token');
    expect(r.text(`x sh@red secret/1 y ${encodeURIComponent('sh@red secret/1')} z ${TOKEN}`)).to.equal(`x …${REDACTED} y …${REDACTED} z syt_…${REDACTED}`);
    r.addSecret('quo"ted-secret');
    expect(r.text(JSON.stringify({ note: 'the value quo"ted-secret' }))).to.not.include('ted-secret');
  });

  it('learns secrets from what is sent and received, then finds them in free text', () => {
    const r = new Redactor();
    r.learnFromText(JSON.stringify({ username: 'u', password: PASSWORD, auth: { session: 's' } }));
    r.learnFrom({ user_id: '@u:hs', access_token: TOKEN });
    r.learnFromText(`Bearer other-token-123456`);
    r.learnFromText('http://h/x?access_token=query-token-abcdef');
    const text = `failed: ${PASSWORD} ${TOKEN} other-token-123456 query-token-abcdef`;
    expect(r.text(text)).to.equal(`failed: …${REDACTED} syt_…${REDACTED} othe…${REDACTED} quer…${REDACTED}`);
  });

  it('walks values: secret keys, authorization headers of any scheme, strings anywhere; never mutates', () => {
    const r = new Redactor();
    r.addSecret(TOKEN, 'token');
    const value = { headers: { Authorization: 'Bearer abc', 'x-other': 'v' }, actual: [{ token: 'login-token-1' }, `is ${TOKEN}`], n: 5 };
    const copy = JSON.parse(JSON.stringify(value)) as unknown;
    expect(r.value(value)).to.deep.equal({
      headers: { Authorization: `Bearer …${REDACTED}`, 'x-other': 'v' },
      actual: [{ token: `…${REDACTED}` }, `is syt_…${REDACTED}`],
      n: 5,
    });
    expect(value).to.deep.equal(copy);
  });

  it('is idempotent, and short values are found in key positions only', () => {
    const r = new Redactor();
    r.addSecret(TOKEN, 'token');
    r.addSecret('t1', 'token');
    const once = r.text(`{"access_token":"${TOKEN}"} ?access_token=${TOKEN} Bearer ${TOKEN}`);
    expect(r.text(once)).to.equal(once);
    expect(r.text('at1 t1')).to.equal('at1 t1');
    expect(r.value({ access_token: 't1' })).to.deep.equal({ access_token: `…${REDACTED}` });
    expect(mask(`abcd…${REDACTED}`, 'token')).to.equal(`abcd…${REDACTED}`);
  });

  it('drops user:password from URLs', () => {
    expect(withoutUserInfo('http://admin:pw@127.0.0.1:8008')).to.equal('http://127.0.0.1:8008');
    expect(withoutUserInfo('http://127.0.0.1:8008')).to.equal('http://127.0.0.1:8008');
  });
});
