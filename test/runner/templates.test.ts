import { expect } from 'chai';
import { render, renderValue, templateNames, TemplateError, type TemplateContext } from '../../runner/load/templates.js';
import { lookup } from '../../runner/judge/json-path.js';

const ctx: TemplateContext = {
  actors: { alice: { user_id: '@alice:hs', localpart: 'alice', access_token: 'tok' } },
  rooms: { shared: { room_id: '!r:hs' } },
  captured: { count: 3, token: 's1' },
  server_name: 'hs',
  timers: { idle_timeout: 1500 },
  api: '/_matrix/client/api/v1',
};

describe('templates', () => {
  it('percent-encodes values in paths only', () => {
    expect(render('/presence/{alice.user_id}/status', ctx, true)).to.equal('/presence/%40alice%3Ahs/status');
    expect(render('{alice.localpart} on {server_name} in {rooms.shared.room_id}', ctx)).to.equal('alice on hs in !r:hs');
  });

  it('keeps the type of a whole captured value', () => {
    expect(renderValue({ n: '{captured.count}', s: 'n={captured.count}', t: '{timers.idle_timeout}' }, ctx)).to.deep.equal({ n: 3, s: 'n=3', t: '1500' });
  });

  it('refuses unknown names', () => {
    expect(() => render('{carol.user_id}', ctx)).to.throw(TemplateError, /unknown template \{carol.user_id\}/);
    expect(() => render('{captured.nope}', ctx)).to.throw(TemplateError, /has no value/);
    expect(templateNames('a {x.y} b {z}')).to.deep.equal(['x.y', 'z']);
  });
});

describe('json paths', () => {
  it('tells absent from null and walks arrays', () => {
    const data = { a: { b: null, list: [{ c: 1 }] }, 'm.key': { x: 2 } };
    expect(lookup(data, 'a.b')).to.deep.equal({ found: true, value: null });
    expect(lookup(data, 'a.z')).to.deep.equal({ found: false });
    expect(lookup(data, 'a.list.0.c')).to.deep.equal({ found: true, value: 1 });
    expect(lookup(data, 'a.list.1.c')).to.deep.equal({ found: false });
    expect(lookup(data, 'm\\.key.x')).to.deep.equal({ found: true, value: 2 });
    expect(lookup(data, '').value).to.equal(data);
    expect(lookup('text', 'length')).to.deep.equal({ found: false });
  });
});

describe('the {api} template', () => {
  it('inserts the dialect prefix as a path, never percent-encoded', () => {
    expect(render('{api}/presence/{alice.user_id}/status', ctx, true)).to.equal('/_matrix/client/api/v1/presence/%40alice%3Ahs/status');
  });
});
