/**
 * The gateway benchmark's model, in its own process: the loopback Bedrock runtime stand-in of the tests, answering
 * 20 output tokens after `BENCH_MODEL_MS` milliseconds. Prints its endpoint, then serves until its stdin closes.
 */
import { startBedrockRuntime } from "../support/bedrock-runtime-server.js";

const delayMs = Number(process.env.BENCH_MODEL_MS ?? "0");
const server = await startBedrockRuntime(() => ({ outputTokens: 20, delayMs }));
process.stdout.write(`${server.endpoint}\n`);
process.stdin.resume();
process.stdin.on("end", () => void server.close().then(() => process.exit(0)));
