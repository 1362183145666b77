// WholeHostAssembler on synthetic whole-host polls: per-netns deltas from split probe batches, new/gone/unreadable
// sections, findings tagged with their netns, ranking by trouble, host totals, and determinism (replay = live).
import { describe, expect, it } from 'vitest';
import { createDiagnoser } from '../../../../src/diagnose/index.js';
import type { HostSample } from '../../../../src/model/host-sample.js';
import { emptyBatch, type ProbeBatch } from '../../../../src/model/probe-batch.js';
import type { HostSetSample } from '../../../../src/model/host-set-sample.js';
import type { LineDecoder } from '../../../../src/pipeline/assemble.js';
import { WholeHostAssembler, type HostSetInput } from '../../../../src/pipeline/wholehost/assemble.js';
import { splitBatch } from '../../../../src/pipeline/wholehost/split.js';
import { DEFAULT_SYSCTLS } from '../../diagnose/factory.js';

const HOST = 4026531840;
const WEB = 4026532100;
const DB = 4026532200;

function sample(inode: number, name: string | undefined, over: Partial<HostSample> = {}): HostSample {
  return {
    netns: { inode, name, ...(inode === HOST ? { isHost: true } : {}) },
    counters: {},
    sockstat: {},
    census: { ESTABLISHED: 1, LISTEN: 1 },
    listeners: [],
    owners: [],
    sysctls: { ...DEFAULT_SYSCTLS },
    pollMs: 1,
    notes: [],
    ...over,
  };
}
const set = (samples: HostSample[], over: Partial<HostSetSample> = {}): HostSetSample => ({
  samples,
  unreadable: [],
  idle: 0,
  pollMs: 2,
  notes: [],
  ...over,
});
const hosts = (t: number, s: HostSetSample): HostSetInput => ({ kind: 'hosts', t, set: s });
const decoder: LineDecoder = {
  push: (line) => (line.startsWith('B:') ? (JSON.parse(line.slice(2)) as ProbeBatch) : undefined),
};
const batch = (over: Partial<ProbeBatch>): string => `B:${JSON.stringify({ ...emptyBatch(), ...over })}`;
const make = (): WholeHostAssembler =>
  new WholeHostAssembler({
    intervalMs: 1000,
    mode: 'ebpf',
    decoder,
    diagnoserFor: (_n, reference) => createDiagnoser({ reference }),
  });

describe('splitBatch', () => {
  it('gives each netns its own rows and nothing of the others', () => {
    const parts = splitBatch({
      ...emptyBatch(7),
      transitions: [
        { netns: WEB, from: 'CLOSE', to: 'SYN_SENT', count: 3 },
        { netns: DB, from: 'CLOSE', to: 'SYN_SENT', count: 1 },
      ],
      drops: [{ netns: DB, reason: 'TCP_CSUM', count: 2 }],
      suppressed: 4,
    });
    expect([...parts.keys()].sort()).toEqual([WEB, DB].sort());
    expect(parts.get(WEB)?.transitions).toEqual([{ netns: WEB, from: 'CLOSE', to: 'SYN_SENT', count: 3 }]);
    expect(parts.get(WEB)?.drops).toEqual([]);
    expect(parts.get(DB)?.drops).toHaveLength(1);
    expect(parts.get(DB)?.suppressed).toBe(0);
  });
});

describe('WholeHostAssembler', () => {
  it('builds one section per netns with its own deltas and probe rows, ranked by trouble, with host totals', () => {
    const asm = make();
    expect(
      asm.push(
        hosts(
          1000,
          set([
            sample(HOST, undefined, { counters: { TcpPassiveOpens: 100 } }),
            sample(WEB, 'web1', { counters: { TcpExtListenOverflows: 5, TcpPassiveOpens: 10 } }),
            sample(DB, 'db1', { counters: { TcpPassiveOpens: 1 } }),
          ]),
        ),
      ),
    ).toBeUndefined();
    asm.push({
      kind: 'probe',
      t: 1500,
      line: batch({
        transitions: [{ netns: WEB, from: 'CLOSE', to: 'SYN_SENT', count: 4 }],
        resetsSent: [{ netns: DB, reason: 'NO_SOCKET', count: 2 }],
        lost: 1,
      }),
    });
    const s = asm.push(
      hosts(
        2000,
        set([
          sample(HOST, undefined, { counters: { TcpPassiveOpens: 103 } }),
          sample(WEB, 'web1', {
            counters: { TcpExtListenOverflows: 25, TcpPassiveOpens: 30 },
            listeners: [
              { family: 4, addr: '0.0.0.0', port: 80, queue: 4096, capacity: 4096, inode: 9, pid: 5, comm: 'nginx' },
            ],
          }),
          sample(DB, 'db1', { counters: { TcpPassiveOpens: 1 } }),
        ]),
      ),
    );
    expect(s?.schemaVersion).toBe(2);
    expect(s?.namespaces.map((n) => [n.rank, n.netns.name ?? 'host', n.status])).toEqual([
      [1, 'web1', 'ok'],
      [2, 'db1', 'ok'],
      [3, 'host', 'ok'],
    ]);
    const web = s!.namespaces[0]!;
    expect(web.snapshot?.counters).toEqual({ TcpExtListenOverflows: 20, TcpPassiveOpens: 20 });
    expect(web.snapshot?.transitions).toEqual({ 'CLOSE->SYN_SENT': 4 });
    expect(web.snapshot?.events.resetsSent).toBe(0);
    expect(web.rates).toMatchObject({ overflows: 20, connIn: 20, connOut: 4 });
    expect(web.fullestListener).toEqual({ addr: '0.0.0.0', port: 80, queue: 4096, capacity: 4096 });
    expect(web.worst).toBe('critical');
    expect(web.snapshot?.findings[0]?.title).toMatch(/^\[web1\] accept queue overflow/);
    expect(web.snapshot?.findings[0]?.advice.join('\n')).toContain('ip netns exec web1 sysctl -w net.core.somaxconn');
    expect(s!.namespaces[1]!.snapshot?.events.resetsSent).toBe(2);
    expect(s?.totals).toMatchObject({ namespaces: 3, troubled: 2, rates: { overflows: 20, connIn: 23, rstSent: 2 } });
    expect(s?.events).toEqual({ lost: 1, suppressed: 0 });
  });

  it('marks a new netns (baseline only), a vanished one gone (once), and an unreadable one with its note', () => {
    const asm = make();
    asm.push(hosts(1000, set([sample(HOST, undefined), sample(WEB, 'web1')])));
    const s1 = asm.push(
      hosts(
        2000,
        set([sample(HOST, undefined), sample(DB, undefined, { netns: { inode: DB, name: undefined, pid: 4242 } })], {
          unreadable: [
            {
              netns: { inode: 77, name: undefined },
              note: 'seen in probe output, but no process and no /run/netns name: not readable',
            },
          ],
        }),
      ),
    );
    const by = (inode: number) => s1?.namespaces.find((n) => n.netns.inode === inode);
    expect(by(DB)?.status).toBe('new');
    expect(by(DB)?.snapshot).toBeUndefined();
    expect(by(WEB)?.status).toBe('gone');
    expect(by(WEB)?.rank).toBe(s1?.namespaces.length);
    expect(by(77)).toMatchObject({ status: 'unreadable', notes: [expect.stringContaining('not readable')] });
    expect(s1?.totals.namespaces).toBe(3);
    const s2 = asm.push(
      hosts(
        3000,
        set([sample(HOST, undefined), sample(DB, undefined, { netns: { inode: DB, name: undefined, pid: 4242 } })]),
      ),
    );
    expect(s2?.namespaces.map((n) => n.status)).toEqual(['ok', 'ok']);
  });

  it('raises sysctl-drift in a netns whose somaxconn differs from the host, with nsenter advice for an unnamed one', () => {
    const asm = make();
    const host = () => sample(HOST, undefined, { sysctls: { ...DEFAULT_SYSCTLS, 'net.core.somaxconn': '1000' } });
    const app = sample(DB, undefined, { netns: { inode: DB, name: undefined, pid: 4242 } });
    asm.push(hosts(1000, set([host(), app])));
    const s = asm.push(hosts(2000, set([host(), app])));
    const db = s?.namespaces.find((n) => n.netns.inode === DB);
    const f = db?.snapshot?.findings.find((x) => x.id === 'sysctl-drift');
    expect(f?.title).toBe(`[netns ${DB}] sysctls differ from the host: somaxconn 4096 here vs 1000 on the host`);
    expect(f?.advice[0]).toBe('nsenter -t 4242 -n sysctl -w net.core.somaxconn=1000');
    expect(s?.namespaces.find((n) => n.netns.isHost)?.snapshot?.findings).toEqual([]);
  });

  it('names a container netns by its owner of each interval: a rename shows from that poll on, a gone row keeps the last', () => {
    const asm = make();
    const host = () => sample(HOST, undefined, { sysctls: { ...DEFAULT_SYSCTLS, 'net.core.somaxconn': '1000' } });
    const owner = (name: string) => ({ runtime: 'docker' as const, name, id: 'ab'.repeat(32), image: 'nginx:1.27' });
    const app = (name: string) =>
      sample(DB, undefined, { netns: { inode: DB, name: undefined, pid: 4242, owner: owner(name) } });
    asm.push(hosts(1000, set([host(), app('web1')])));
    const s1 = asm.push(hosts(2000, set([host(), app('web1')])));
    const s2 = asm.push(hosts(3000, set([host(), app('web2')])));
    const s3 = asm.push(hosts(4000, set([host()])));
    const db = (s: typeof s1) => s?.namespaces.find((n) => n.netns.inode === DB);
    const drift = (s: typeof s1) => db(s)?.snapshot?.findings.find((x) => x.id === 'sysctl-drift');
    expect(db(s1)?.snapshot?.netns.owner?.name).toBe('web1');
    expect(drift(s1)?.title).toMatch(/^\[docker:web1\] sysctls differ/);
    expect(drift(s1)?.advice.join('\n')).toContain('recreate web1 with docker run --sysctl net.core.somaxconn=1000');
    expect(db(s2)?.netns.owner?.name).toBe('web2');
    expect(db(s2)?.snapshot?.netns.owner?.name).toBe('web2');
    expect(drift(s2)?.title).toMatch(/^\[docker:web2\] sysctls differ/);
    expect(drift(s2)?.advice.join('\n')).toContain('recreate web2 with docker run --sysctl');
    expect(db(s3)).toMatchObject({ status: 'gone', netns: { owner: { name: 'web2' } } });
    // The earlier snapshot object is not changed by the later poll (sinks may hold it).
    expect(db(s1)?.netns.owner?.name).toBe('web1');
  });

  it('is deterministic: the same inputs give the same snapshots (replay equals live)', () => {
    const inputs = [
      hosts(1000, set([sample(HOST, undefined, { counters: { TcpActiveOpens: 1 } }), sample(WEB, 'web1')])),
      { kind: 'probe' as const, t: 1200, line: batch({ drops: [{ netns: WEB, reason: 'NO_SOCKET', count: 3 }] }) },
      hosts(2000, set([sample(HOST, undefined, { counters: { TcpActiveOpens: 4 } }), sample(WEB, 'web1')])),
      hosts(3000, set([sample(HOST, undefined, { counters: { TcpActiveOpens: 9 } })])),
    ];
    const run = () => {
      const a = make();
      return inputs.map((i) => a.push(i)).filter(Boolean);
    };
    expect(run()).toEqual(run());
    expect(run()).toHaveLength(2);
  });
});
