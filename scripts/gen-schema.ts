/** Writes smcb.config.schema.json from the zod validator (`npm run schema`). */
import { writeFileSync } from "node:fs";
import { configJsonSchema } from "../core/index.js";

writeFileSync(
  new URL("../smcb.config.schema.json", import.meta.url),
  `${JSON.stringify(configJsonSchema(), null, 2)}\n`,
);
