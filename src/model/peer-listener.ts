// A listener known on this host (any netns) with its netns's recent queue drops: what connect attribution matches
// slow connects against, so a client netns can name the server netns whose queue dropped its SYNs.

export interface PeerListener {
  netns: number;
  /** Name of its netns (ip netns name, container name), when known. */
  netnsName?: string | undefined;
  addr: string;
  port: number;
  pid?: number | undefined;
  comm?: string | undefined;
  queue: number;
  capacity: number;
  /** ListenOverflows of its netns over the window (accept queue full). */
  overflows: number;
  /** SYN-queue drops of its netns over the window (TcpExtTCPReqQFullDrop). */
  synQueueDrops: number;
}
