// The example runner's reader (test/examples/extract.ts): what counts as an example, its expected exit code, and the
// substitution table — pure logic, so a change in how examples are found is caught without the lab.
import { describe, expect, it } from 'vitest';
import { commentStart, helpExamples, isSynopsis, markdownExamples } from '../examples/extract.js';
import { substitute } from '../examples/substitute.js';

describe('example extraction', () => {
  it('splits the comment off outside quotes and reads "exit N" from it', () => {
    expect(commentStart(`tcpscope watch --alert 'a # b' # note`)).toBe(31);
    expect(commentStart('tcpscope x#y')).toBe(-1);
    const [e] = markdownExamples(
      'README.md',
      "```sh\nsudo tcpscope watch --netns web1 --exit-on-alert \\\n     --alert 'x > 1'   # fails the test: exit 1\n```\n",
    );
    expect(e).toEqual({
      source: 'README.md:2',
      command: "sudo tcpscope watch --netns web1 --exit-on-alert --alert 'x > 1'",
      comment: 'fails the test: exit 1',
      expectedExit: 1,
    });
  });
  it('takes sh/bash blocks and inline tcpscope/sudo commands, not other fences, names or synopses', () => {
    const md = [
      'Run `tcpscope sysctl --json` or `sudo scripts/lab/run cleanup`; the `tcpscope` binary; `scripts/lab/churn.c`.',
      '```ts',
      "tcpscope('not shell')",
      '```',
      '```sh',
      'tcpscope replay FILE',
      'scripts/lab/run <scenario> [--duration 10s]',
      "tcpscope replay x.ndjson --alert 'A > 1'",
      '```',
    ].join('\n');
    expect(markdownExamples('doc.md', md).map((e) => e.command)).toEqual([
      'tcpscope sysctl --json',
      'sudo scripts/lab/run cleanup',
      "tcpscope replay x.ndjson --alert 'A > 1'",
    ]);
    expect(isSynopsis('tcpscope top --netns tslab-…-s')).toBe(true);
    expect(isSynopsis("tcpscope watch --alert 'census.CLOSE_WAIT > 500'")).toBe(false);
  });
  it('reads the indented lines after Examples: in --help', () => {
    const help =
      'Usage: tcpscope x\n\nExamples:\n  tcpscope x --json   # one line\n  sudo tcpscope x\nExit codes: 0 ok';
    expect(helpExamples('tcpscope x --help', help).map((e) => e.command)).toEqual([
      'tcpscope x --json',
      'sudo tcpscope x',
    ]);
  });
  it('substitutes only the documented placeholders', async () => {
    const lab = {
      netnsName: 'tslab-1-s',
      netnsInode: 4026532999,
      pid: 77,
      dir: '/tmp/d',
      bin: '/tmp/d/bin',
      hookUrl: 'http://127.0.0.1:1/hook',
      demo: '/demo.gz',
    };
    expect(
      substitute(
        'sudo tcpscope watch --netns web1 --webhook https://hooks.slack.com/x --exec /usr/local/bin/page-oncall --team net',
        lab,
      ).command,
    ).toBe(
      'sudo tcpscope watch --netns tslab-1-s --webhook http://127.0.0.1:1/hook --exec /tmp/d/bin/page-oncall --team net',
    );
    expect(substitute('sudo tcpscope watch --netns 4242', lab).command).toBe('sudo tcpscope watch --netns 77');
    expect(substitute('sudo tcpscope watch --netns 4026532281', lab).command).toBe(
      'sudo tcpscope watch --netns 4026532999',
    );
  });
});
