/**
 * The benchmark's model server, in its own process: the loopback SageMaker runtime of the tests, answering an
 * OpenAI-style completion with usage after `BENCH_MODEL_MS` milliseconds. Prints its endpoint, then serves until
 * its stdin closes.
 */
import { startRuntimeServer } from "../support/runtime-server.js";

const delay = Number(process.env.BENCH_MODEL_MS ?? "0");
const answer = JSON.stringify({
  id: "cmpl-bench",
  choices: [{ index: 0, message: { role: "assistant", content: "A short answer of a few words." } }],
  usage: { prompt_tokens: 42, completion_tokens: 9, total_tokens: 51 },
});
const server = await startRuntimeServer(() => ({ body: answer }), delay);
process.stdout.write(`${server.endpoint}\n`);
process.stdin.resume();
process.stdin.on("end", () => void server.close().then(() => process.exit(0)));
