// What this kernel offers tcpscope, read from tracefs format files: tracepoints, their fields and enum names.
import { readFile, access } from 'node:fs/promises';
import { parseFormat, type TracepointFormat } from './tracefs/format.js';

/** Every tracepoint tcpscope may use. `optional` ones only enrich the view. */
export const TRACEPOINTS = [
  { id: 'sock:inet_sock_set_state', optional: false, purpose: 'state transitions' },
  { id: 'tcp:tcp_retransmit_synack', optional: false, purpose: 'SYN-ACK retransmits (half-open requests)' },
  { id: 'tcp:tcp_receive_reset', optional: false, purpose: 'RSTs received' },
  { id: 'tcp:tcp_send_reset', optional: false, purpose: 'RSTs sent (with reason on >= 6.10)' },
  { id: 'tcp:tcp_retransmit_skb', optional: false, purpose: 'retransmits, client SYN retransmits' },
  { id: 'skb:kfree_skb', optional: true, purpose: 'drops per reason (reason field since 5.17)' },
] as const;
export type TracepointId = (typeof TRACEPOINTS)[number]['id'];

export interface TracepointInfo {
  id: TracepointId;
  present: boolean;
  format: TracepointFormat | undefined;
  /** Field names (without common_*). */
  fields: string[];
  error: string | undefined;
}

export interface Capabilities {
  tracefsPath: string;
  tracepoints: Record<TracepointId, TracepointInfo>;
  /** skb_drop_reason number -> name, when kfree_skb has a reason field. */
  dropReasons: Map<number, string> | undefined;
  /** sk_rst_reason number -> name, when tcp_send_reset has a reason field. */
  resetReasons: Map<number, string> | undefined;
}

/** Reads the format file of each tracepoint under `<tracefsPath>/events`. Works on fixture trees too. */
export async function detectCapabilities(tracefsPath: string): Promise<Capabilities> {
  const entries = await Promise.all(
    TRACEPOINTS.map(async ({ id }): Promise<TracepointInfo> => {
      const [sys, event] = id.split(':') as [string, string];
      const file = `${tracefsPath}/events/${sys}/${event}/format`;
      try {
        const format = parseFormat(await readFile(file, 'utf8'));
        return { id, present: true, format, fields: format.fields.map((f) => f.name), error: undefined };
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const error = code === 'ENOENT' ? 'not in this kernel' : code === 'EACCES' ? 'permission denied' : String(err);
        return { id, present: false, format: undefined, fields: [], error };
      }
    }),
  );
  const tracepoints = Object.fromEntries(entries.map((e) => [e.id, e])) as Record<TracepointId, TracepointInfo>;
  return {
    tracefsPath,
    tracepoints,
    dropReasons: tracepoints['skb:kfree_skb'].format?.enums.get('reason'),
    resetReasons: tracepoints['tcp:tcp_send_reset'].format?.enums.get('reason'),
  };
}

export async function hasBtf(path = '/sys/kernel/btf/vmlinux'): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
