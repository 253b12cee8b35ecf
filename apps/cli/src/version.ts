/** The version printed by `--version`: the package's (apps/pack-test checks the two are equal). */
export const VERSION = '0.1.0';
