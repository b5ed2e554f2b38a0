import { expect } from 'chai';
import { chooseSchema } from '../../validator/choose-schema.js';
import type { SpecVersion } from '../../validator/index.js';

const event = { type: 'm.presence', sender: '@a:example.org', content: { presence: 'online' } };

describe('automatic schema choice', () => {
  const cases: [string, unknown, SpecVersion, string][] = [
    ['an m.presence event', event, 'v1.19', 'matrix/m.presence'],
    ['an m.presence event (r0)', event, 'r0', 'matrix/legacy/r0-m.presence'],
    ['an m.presence event (early)', event, 'early', 'matrix/legacy/early-m.presence'],
    ['presence + status_msg', { presence: 'online', status_msg: 'hi' }, 'v1.19', 'matrix/put-presence-request'],
    ['presence + last_active_ago', { presence: 'online', last_active_ago: 5 }, 'v1.19', 'matrix/get-presence-response'],
    ['a null status_msg', { presence: 'offline', status_msg: null }, 'v1.19', 'matrix/get-presence-response'],
    ['presence + status_msg (r0)', { presence: 'free_for_chat' }, 'r0', 'matrix/legacy/r0-put-presence-request'],
    ['an empty object', {}, 'v1.19', 'matrix/put-presence-response'],
    ['an error body', { errcode: 'M_FORBIDDEN' }, 'v1.19', 'matrix/error'],
    ['a 429 body', { errcode: 'M_LIMIT_EXCEEDED', retry_after_ms: 1 }, 'v1.19', 'matrix/rate-limited'],
    ['a sync presence section', { events: [] }, 'v1.19', 'matrix/sync-presence'],
    ['a sync presence section (r0)', { events: [] }, 'r0', 'matrix/legacy/r0-sync-presence'],
    ['presence + last_active_ago (early)', { presence: 'hidden', last_active_ago: 1 }, 'early', 'matrix/legacy/early-get-presence-response'],
    ['an array (early)', [], 'early', 'matrix/legacy/early-presence-list-response'],
    ['invite/drop (early)', { drop: [] }, 'early', 'matrix/legacy/early-presence-list-request'],
  ];
  for (const [what, data, version, alias] of cases) {
    it(`${what} -> ${alias}`, () => {
      expect(chooseSchema(data, version)).to.deep.equal({ alias });
    });
  }

  it('explains why an unknown object has no schema', () => {
    expect(chooseSchema({ foo: 1 }, 'v1.19')).to.deep.equal({ reason: 'an object with keys foo is none of the presence payloads' });
    expect(chooseSchema('online', 'v1.19')).to.deep.equal({ reason: 'a string is none of the presence payloads' });
  });

  it('refuses a payload kind the chosen spec version does not have', () => {
    const choice = chooseSchema([], 'v1.19');
    expect(choice)
      .to.have.property('reason')
      .that.matches(/presence-list-response payload, which the v1\.19 spec does not have/);
  });
});
