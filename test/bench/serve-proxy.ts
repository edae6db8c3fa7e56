/**
 * A bare pass-through for `npm run bench:gateway`: forwards every request to `BENCH_TARGET` (the Bedrock runtime
 * stand-in, which speaks HTTP/2 without TLS like the SDK's client expects) over one HTTP/2 session and pipes the
 * answer back; no parsing, no authentication, no store. In front of the stand-in it is the floor of any gateway that
 * runs as its own process: one more process and one more hop on the same machine. Prints its endpoint, then serves
 * until its stdin closes.
 */
import { connect, createServer, type IncomingHttpHeaders, type OutgoingHttpHeaders } from "node:http2";

const target = new URL(process.env.BENCH_TARGET ?? "");
const session = connect(target.origin);

/** The headers of a message without HTTP/2's pseudo-headers (`:path`, `:status`, …). */
function plain(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !k.startsWith(":")));
}

const server = createServer((req, res) => {
  const upstream = session.request({ ...plain(req.headers), ":method": req.method, ":path": req.url });
  upstream.on("response", (headers) => {
    res.writeHead(Number(headers[":status"] ?? 502), plain(headers));
    upstream.pipe(res);
  });
  upstream.on("error", () => res.destroy());
  req.pipe(upstream);
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  process.stdout.write(`http://127.0.0.1:${address.port}\n`);
});
process.stdin.resume();
process.stdin.on("end", () => {
  server.close();
  session.close();
  process.exit(0);
});
