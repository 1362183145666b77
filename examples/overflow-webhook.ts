// Example: post to a Slack-style webhook when the accept queue overflows (run: sudo npx tsx examples/overflow-webhook.ts URL [netns]).
import { watch } from '../src/index.js';
import { alerts, createWebhookAction, parseAlertFlag } from '../src/alert/index.js';

const [url, netns] = process.argv.slice(2);
if (url === undefined) {
  process.stderr.write('usage: overflow-webhook.ts WEBHOOK_URL [NETNS]\n');
  process.exit(2);
}

// More than 10 overflows/s for 5 s; stays firing until it is back under 1/s; at most one page per 10 minutes.
const rule = parseAlertFlag('accept-overflow: rate(TcpExtListenOverflows[10s]) > 10/s clear 1/s for 5s cooldown 10m');
const webhook = createWebhookAction({ url, body: (e) => ({ text: `:rotating_light: ${e.message}` }) });

const sub = watch({ netns, intervalMs: 1000 })
  .pipe(alerts([rule]))
  .subscribe({
    next: (e) => webhook.handle(e),
    error: (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  });

process.once('SIGINT', () => {
  sub.unsubscribe(); // stops bpftrace
  void webhook.close();
});
