/**
 * The configuration file's default name, apart from the schema so that the command line can name the file without
 * loading the schema library.
 */

/** The configuration file `smcb` reads when `--config` is not given, relative to the working directory. */
export const DEFAULT_CONFIG_FILE = "smcb.config.json";
