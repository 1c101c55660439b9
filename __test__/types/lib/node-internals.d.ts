// Node's stream internals that lib/ reads, which @types/node leaves out.
// Only what lib/ssh.js and lib/sftp.js use (see the comments there for why).
import 'stream';

declare module 'stream' {
  interface Readable {
    readonly _readableState: {
      /** Bytes (or objects) buffered and not yet read. */
      length: number;
      highWaterMark: number;
      /** null until the stream is read or paused for the first time. */
      flowing: boolean | null;
      endEmitted: boolean;
      /** The streams this one is piped to (an array since Node 14). */
      pipes: Writable[];
    };
  }
}
