/**
 * What every `smcb` command receives: its output streams, the global options, the configuration and AWS clients.
 * Commands are thin: they parse, call a domain function, and print through this context.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { type AwsOptions, makeClient } from "../core/aws.js";
import { DEFAULT_CONFIG_FILE } from "../core/config-file.js";
import type { ExitCodeValue } from "../core/errors.js";
import type { LoadedConfig } from "../core/index.js";
import { DEFAULT_TAG_KEY, type TagPolicy } from "../core/tags.js";

/** Where a command writes. `stdout` carries results; `stderr` carries logs and progress. */
export interface Io {
  readonly stdout: { write(chunk: string): unknown };
  readonly stderr: { write(chunk: string): unknown; isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/** The options every command takes. */
export interface GlobalArgs {
  readonly config?: string | undefined;
  readonly region?: string | undefined;
  readonly profile?: string | undefined;
  readonly "endpoint-url"?: string | undefined;
  readonly json?: boolean | undefined;
}

/** The tag policy of a loaded configuration. */
function policyOf(cfg: LoadedConfig): TagPolicy {
  return { tagKey: cfg.tagKey ?? DEFAULT_TAG_KEY, lobs: cfg.lobs };
}

/** The context a command handler runs in. */
export class CommandContext {
  readonly json: boolean;
  private loaded: Promise<LoadedConfig> | undefined;

  constructor(
    readonly io: Io,
    private readonly args: GlobalArgs,
  ) {
    this.json = args.json === true;
  }

  /** The path of the configuration file (`--config`, default `./smcb.config.json`). */
  get configPath(): string {
    return path.resolve(this.io.cwd, this.args.config ?? DEFAULT_CONFIG_FILE);
  }

  /** Loads and validates the configuration once; throws a ConfigError (exit 2) when invalid or missing. */
  config(): Promise<LoadedConfig> {
    // Loaded on first use: the schema library is not needed to print help.
    this.loaded ??= import("../core/config.js").then(({ loadConfig }) => loadConfig(this.configPath));
    return this.loaded;
  }

  /** The configuration when a file exists (explicit `--config` must exist), otherwise `undefined`. */
  async optionalConfig(): Promise<LoadedConfig | undefined> {
    if (this.args.config === undefined && !existsSync(this.configPath)) return undefined;
    return this.config();
  }

  /** The configuration's tag policy (its tag key and LOB allowlist); throws like {@link config} without one. */
  async tagPolicy(): Promise<TagPolicy> {
    return policyOf(await this.config());
  }

  /**
   * The configuration's tag policy when a configuration file exists; otherwise the default tag key
   * (`LineOfBusiness`) with no LOB allowlist.
   */
  async optionalTagPolicy(): Promise<{ readonly tagKey: string; readonly lobs?: readonly string[] }> {
    const cfg = await this.optionalConfig();
    return cfg ? policyOf(cfg) : { tagKey: DEFAULT_TAG_KEY };
  }

  /** AWS options from the flags, the environment and (for the region) the configuration. */
  async awsOptions(): Promise<AwsOptions> {
    const cfg = await this.optionalConfig();
    return {
      region: this.args.region ?? this.io.env.AWS_REGION ?? cfg?.region ?? this.io.env.AWS_DEFAULT_REGION,
      profile: this.args.profile,
      endpointUrl: this.args["endpoint-url"] ?? this.io.env.AWS_ENDPOINT_URL,
    };
  }

  /** Makes an AWS SDK client with the global options. */
  async client<C>(Ctor: new (config: never) => C): Promise<C> {
    return makeClient(Ctor as unknown as new (config: unknown) => C, await this.awsOptions());
  }

  /** Writes a line to stderr (logs, progress); never to stdout. */
  log(message: string): void {
    this.io.stderr.write(`${message}\n`);
  }

  /**
   * Prints a command's result: the JSON document with `--json`, otherwise the text rendering.
   */
  print(result: unknown, text: () => string): void {
    if (this.json) this.io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else {
      const t = text();
      this.io.stdout.write(t.endsWith("\n") || t === "" ? t : `${t}\n`);
    }
  }
}

/** A command handler: returns its exit code (0 when it returns nothing). */
export type Handler<A> = (ctx: CommandContext, argv: A & GlobalArgs) => Promise<ExitCodeValue | undefined>;
