// The default alert action: one JSON line per alert event on stdout, for jq and log shippers.
import type { AlertAction } from './action.js';

export function createNdjsonAction(out: NodeJS.WritableStream = process.stdout): AlertAction {
  return {
    handle: (e) => {
      out.write(`${JSON.stringify(e)}\n`);
    },
    close: async () => {},
  };
}
