import { canonicalJson, chainHash, GENESIS_HASH } from './integrity';

describe('the hash chain format', () => {
  it('writes JSON with keys sorted at every depth, skipping undefined members, arrays in order', () => {
    const value = { b: [3, { y: 2, x: null }, 'a"b'], a: '山西', c: undefined, d: { '10': true, '2': false } } as never;
    expect(canonicalJson(value)).toBe('{"a":"山西","b":[3,{"x":null,"y":2},"a\\"b"],"d":{"10":true,"2":false}}');
    expect(canonicalJson([] as never)).toBe('[]');
    expect(canonicalJson({} as never)).toBe('{}');
  });

  it('hashes an event exactly as the logs already stored were hashed', () => {
    // Fixed once: a change here would make every stored chain fail verification.
    const event = { id: 'e1', stream: 'project-1', revision: 3, type: 'T', data: { b: [1, { y: 2, x: null }], a: '山西' }, metadata: { z: 1, actor: { role: 'office', id: 'u' }, hash: 'ignored' } };
    expect(chainHash(GENESIS_HASH, event)).toBe('d965a53be67b969880ef84b0c3881d12ed56d9000901bdc8cf5bde6423f5571b');
    expect(chainHash(GENESIS_HASH, { ...event, metadata: { ...event.metadata, hash: 'another' } })).toBe(chainHash(GENESIS_HASH, event));
    expect(chainHash(GENESIS_HASH, { ...event, revision: 4 })).not.toBe(chainHash(GENESIS_HASH, event));
  });
});
