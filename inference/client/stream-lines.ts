/**
 * Reassembles the lines of a streamed model answer (Server-Sent Events or JSON Lines) from byte chunks
 * whose boundaries fall anywhere, even inside a line or a multi-byte character.
 */

/** One complete line of a stream: the parsed JSON when it is JSON, else the raw text. */
export type StreamEvent = unknown;

/**
 * Splits byte chunks into whole lines and parses each. SSE framing is understood: `data:` prefixes are removed,
 * `event:`, `id:`, `retry:` and comment lines are skipped, and `[DONE]` ends nothing but is not an event.
 *
 * @example
 * ```ts
 * const d = new StreamLineDecoder();
 * d.push(new TextEncoder().encode('data: {"a":'));   // → []
 * d.push(new TextEncoder().encode('1}\n\n'));         // → [{ a: 1 }]
 * ```
 */
export class StreamLineDecoder {
  private readonly decoder = new TextDecoder("utf-8");
  private pending = "";

  /** Feeds one chunk; returns the events completed by it. */
  push(chunk: Uint8Array): StreamEvent[] {
    this.pending += this.decoder.decode(chunk, { stream: true });
    const out: StreamEvent[] = [];
    let nl = this.pending.indexOf("\n");
    while (nl >= 0) {
      const line = this.pending.slice(0, nl);
      this.pending = this.pending.slice(nl + 1);
      const ev = parseLine(line);
      if (ev !== undefined) out.push(ev);
      nl = this.pending.indexOf("\n");
    }
    return out;
  }

  /** Ends the stream; returns the last event when the stream did not end with a newline. */
  end(): StreamEvent[] {
    this.pending += this.decoder.decode();
    const rest = this.pending;
    this.pending = "";
    const ev = parseLine(rest);
    return ev === undefined ? [] : [ev];
  }
}

const SSE_FIELDS = /^(event|id|retry):/;

function parseLine(raw: string): StreamEvent | undefined {
  let line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
  if (line.trim() === "" || line.startsWith(":") || SSE_FIELDS.test(line)) return undefined;
  if (line.startsWith("data:")) line = line.slice(5).trimStart();
  if (line.trim() === "" || line.trim() === "[DONE]") return undefined;
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return line;
  }
}
