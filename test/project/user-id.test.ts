import { expect } from 'chai';
import { localpartOf, serverNameOf } from '../../project/user-id.js';

describe('project: user ids', () => {
  it('splits at the first colon: the server name keeps its port', () => {
    expect(localpartOf('@alice:example.org')).to.equal('alice');
    expect(serverNameOf('@alice:example.org')).to.equal('example.org');
    expect(localpartOf('@bob:localhost:8448')).to.equal('bob');
    expect(serverNameOf('@bob:localhost:8448')).to.equal('localhost:8448');
    expect(localpartOf('@alice')).to.equal('alice');
  });
});
