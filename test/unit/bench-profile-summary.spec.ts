import { type CpuProfile, heaviest, ownerOf, summarise } from '../../bench/profile-summary';

/** The bench's profile summary: a --cpu-prof profile's samples by owner, Node's own frames counted for their caller. */
describe('profile summary', () => {
  it('names a frame’s owner by its package, the service’s own files, or none for Node’s own', () => {
    expect(ownerOf('file:///app/node_modules/express/lib/router/index.js', 'handle')).toBe('express');
    expect(ownerOf('file:///app/node_modules/@nestjs/core/router/router-execution-context.js', 'x')).toBe('@nestjs/core');
    expect(ownerOf('file:///app/node_modules/a/node_modules/b/index.js', 'x')).toBe('b');
    expect(ownerOf('file:///app/dist/src/events/events.service.js', 'publish')).toBe('service');
    expect(ownerOf('node:internal/stream_base_commons', 'writeGeneric')).toBeNull();
    expect(ownerOf('', 'writeUtf8String')).toBeNull();
    expect(ownerOf('', '(garbage collector)')).toBe('(garbage collector)');
  });

  it('counts Node’s own frames for the nearest caller that has an owner, and leaves idle time out', () => {
    const frame = (url: string, functionName = 'f') => ({ url, functionName });
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('', '(root)'), children: [2, 5, 6] },
        { id: 2, callFrame: frame('file:///app/node_modules/pg/lib/client.js'), children: [3] },
        { id: 3, callFrame: frame('node:net'), children: [4] },
        { id: 4, callFrame: frame('', 'writev') },
        { id: 5, callFrame: frame('file:///app/dist/src/main.js') },
        { id: 6, callFrame: frame('', '(idle)') },
      ],
      samples: [4, 4, 2, 5, 6, 6],
      timeDeltas: [1000, 1000, 1000, 1000, 5000, 5000],
    };
    expect(summarise(profile)).toEqual([
      { owner: 'pg', ms: 3, share: 0.75 },
      { owner: 'service', ms: 1, share: 0.25 },
    ]);
    expect(heaviest(profile, 2)).toEqual([
      { owner: 'writev', ms: 2, share: 0.5 },
      { owner: 'f pg/lib/client.js', ms: 1, share: 0.25 },
    ]);
  });
});
