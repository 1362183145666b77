// The netns owner in recordings: written only when it changes, restored on every host sample as it was then;
// recordings made before names (no "o") replay with no owner.
import { describe, expect, it } from 'vitest';
import { EntryDecoder, EntryEncoder } from '../../../src/record/format.js';
import type { NetnsOwner } from '../../../src/model/host-sample.js';
import { hostSample } from './helpers.js';

const web1: NetnsOwner = { runtime: 'docker', name: 'web1', id: 'ab'.repeat(32), image: 'nginx:1.27' };

describe('netns owner in recordings', () => {
  it('is written when it changes and restored as it was at each sample', () => {
    const owners: (NetnsOwner | undefined)[] = [web1, web1, { ...web1, name: 'web1-renamed' }, undefined, undefined];
    const enc = new EntryEncoder();
    const lines = owners.map((owner, i) => {
      const s = hostSample(i);
      return enc.encode({
        kind: 'host',
        t: i,
        sample: { ...s, netns: { ...s.netns, ...(owner ? { owner } : {}), pid: 42 } },
      });
    });
    expect(lines.map((l) => l.includes('"o":'))).toEqual([true, false, true, true, false]);
    expect(lines[1]).not.toContain('nginx:1.27');
    const dec = new EntryDecoder();
    const back = lines.map((l) => dec.decode(l.trimEnd()));
    expect(back.map((r) => (r.ok && r.entry.kind === 'host' ? r.entry.sample.netns.owner?.name : '?'))).toEqual([
      'web1',
      'web1',
      'web1-renamed',
      undefined,
      undefined,
    ]);
    expect(back.map((r) => (r.ok && r.entry.kind === 'host' ? r.entry.sample.netns.pid : '?'))).toEqual([
      42, 42, 42, 42, 42,
    ]);
  });

  it('an old host line (no "o", no owner) decodes with no owner', () => {
    const dec = new EntryDecoder();
    const r = dec.decode(
      '{"k":"h","t":1,"s":{"netns":{"inode":7,"name":"blue"},"sockstat":{},"census":{},"listeners":[],"owners":[],"pollMs":1,"notes":[]},"c":{},"y":{}}',
    );
    expect(r.ok && r.entry.kind === 'host' && r.entry.sample.netns).toEqual({ inode: 7, name: 'blue' });
  });
});
